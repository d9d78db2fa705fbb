"""议事: the records of community deliberation meetings (居民议事会 / 议事协商).

- ``meetings``: a meeting with its participants, matters (linked to visits by 受理编号),
  decisions and follow-up actions, saved whole in one transaction
- ``listing``: the list of meetings, the open and overdue actions, one meeting in full
- ``report``: the monthly report's figures
"""
