"""Events of the discussions domain, for whatever wants to react to them (mail notifications).

Receivers run inside the posting request's unit of work, before it commits: work that must only
happen once the reply is stored (sending mail) belongs in `lms.unit_of_work.after_commit`.
"""

from blinker import Namespace

signals = Namespace()

# Sent once when a reply becomes visible to the course's participants: when it is written (not
# held), or when a trainer approves a held reply. sender=the Post (flushed: it has an id), with
# `thread` (its Thread). Opening posts are not replies and are not sent.
reply_published = signals.signal("reply-published")
