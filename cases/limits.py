"""Maximum lengths of the texts people and systems write into a case (docs/api.md).

One definition, used by the API serializers and the browser forms, so that a 1 MB description
is a 400 naming the field and its limit wherever it is typed. They bound requests, not the
services: the columns are text, so nothing already stored becomes invalid.
"""

SUBJECT_MAX_LENGTH = 200  # the column's own size (Case.subject)
DESCRIPTION_MAX_LENGTH = 10_000
COMMENT_MAX_LENGTH = 10_000
RESOLUTION_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000
REPORTER_IDENTITY_MAX_LENGTH = 2_000
