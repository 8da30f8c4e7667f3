"""The e-mails a case sends (SPEC §8): each tied to the event that caused it, sent once.

- `notifications`: the notices themselves, called by the tasks queued on commit;
- `mail_thread`: one e-mail thread per case, and the signed reply address;
- `sweep`: notices whose message the broker lost, queued again.
"""
