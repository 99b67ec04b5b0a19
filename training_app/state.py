"""Session-state keys used by the app, in one place.

Pages read and write ``st.session_state`` only through these names, so two pages never collide on a key and a
test can set up or inspect a page's state by importing this module.
"""

from __future__ import annotations

# --- authentication (app.py) -----------------------------------------------------------------------------
USER = "auth_user"  # the logged-in qa_scoring.store.User
LOGIN_FAILURES = "auth_login_failures"  # failed attempts in this browser session
LOGIN_LOCKED_UNTIL = "auth_login_locked_until"  # time.monotonic() until which the login form refuses
GENERATED_ADMIN_PASSWORD = "auth_generated_admin_password"  # shown once after the first-run setup

# --- drill page --------------------------------------------------------------------------------------------
DRILL_SESSION = "drill_session"  # the running qa_scoring.drills.DrillSession
DRILL_SUMMARY = "drill_summary"  # DrillSummary.to_dict() once the drill has ended
DRILL_SAVED_ID = "drill_saved_id"  # store id of the saved drill
DRILL_SAVE_ERROR = "drill_save_error"

# --- reviewer page -----------------------------------------------------------------------------------------
REVIEW_RESULTS = "review_results"  # list of {"call_id", "source", "overall", "passed"} of the last scoring run
REVIEW_ERRORS = "review_errors"  # list of (source name, Turkish error message)
REVIEW_SELECTED_CALL = "review_selected_call"  # call id to select once, after scoring
REVIEW_CALL_WIDGET = "review_call"  # the call picker's widget key
REVIEW_UPLOADER_NONCE = "review_uploader_nonce"  # bumped to clear the uploader after scoring

# --- manage page -------------------------------------------------------------------------------------------
MANAGE_CREATED_PASSWORD = "manage_created_password"  # (username, password) generated for a new user, shown once
