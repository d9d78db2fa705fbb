"""The care room (关爱工作室): its register of residents in care groups, home visits and help.

- ``access``: who may read and write (room staff of the care room, and the admin)
- ``schedule``: when the next visit is due, and the list of visits due and overdue
- ``entries``: the register (关爱对象名册): taking a resident up, editing, ending
- ``routed``: visits routed to the care room that are not on the register yet
- ``visits``: home visits (走访) and the help given (帮扶)
- ``rows``: the register as rows for the xlsx export
- ``report``: the monthly report's figures
"""
