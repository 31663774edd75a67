"""Booking: one home for every rule about when a visit can be, and the only code that writes
visits.

- rules.py: the once-a-week rule for needling, no double booking, the clinic's and the
  physiotherapist's hours, how far ahead; each refusal worded once, in `error_messages`.
- services.py: book, record a past visit, move, cancel, restore, mark attended or no-show and
  undo those, each a named change of Visit.TRANSITIONS, in a transaction under row locks.
- series.py: a weekly series, and its outcome kept for whoever booked it.
- availability.py: when each physiotherapist can be booked, loaded once for a date range.
- calendar.py: the week calendar's layout on a 15-minute grid.
- forms.py, views.py, urls.py: the calendar and booking pages, which only call the above.
"""
