"""REST API v1 for cases (SPEC §8): create, list, detail and edit, transitions, comments,
attachments and the timeline. Visibility is `cases.selectors.access.cases_visible_to`."""
