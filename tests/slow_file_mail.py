"""An email backend for commands run in processes of their own (tests/processes.py): Django's
file backend writing into $TEST_EMAIL_DIR, a moment slow per email so that two runs overlap."""

import os
import time

from django.core.mail.backends import filebased

SECONDS_PER_EMAIL = 0.2


class EmailBackend(filebased.EmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, file_path=os.environ["TEST_EMAIL_DIR"], **kwargs)

    def send_messages(self, email_messages):
        time.sleep(SECONDS_PER_EMAIL)
        return super().send_messages(email_messages)
