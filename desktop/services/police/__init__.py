"""The police liaison room (警民联络室): hand-overs to and from the police and their replies.

``handovers`` records each 移交 (to a 派出所, or a 110 非警务警情 / 公安移交调解 received),
its reply and its link to a mediation case (警调联动); ``routed`` lists the visits the
desk routed to the room and drafts a hand-over from one; ``register`` streams the room's
台账; ``figures`` counts for the monthly report. Every write is one transaction and
checks ``police.edit``; every read ``police.read``.
"""

POLICE_ROOM = "police"
