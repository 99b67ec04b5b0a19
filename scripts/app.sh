#!/usr/bin/env bash
# Start the training and quality app (Streamlit) at http://localhost:8501
#   bash scripts/app.sh                      # installs the app extra on the first run, then starts the app
#   bash scripts/app.sh --server.port 8600   # extra arguments go to `streamlit run`
# Data: QA_APP_DB_PATH (SQLite file) or QA_APP_DB_URL (e.g. PostgreSQL), QA_APP_DATA_DIR (uploaded rubrics and
# scenarios); both default to ~/.local/share/qa-scoring/. The first visit asks for the administrator password.
set -euo pipefail
cd "$(dirname "$0")/.."
# The constraints file pins torch to the local CPU build; never install without it.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -c constraints.txt -e ".[app]"
exec python3 -m streamlit run training_app/app.py \
  --server.headless true --browser.gatherUsageStats false --server.maxUploadSize 20 --client.toolbarMode minimal "$@"
