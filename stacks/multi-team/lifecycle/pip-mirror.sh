#!/bin/bash
# Runs at every JupyterLab start: pip installs from the team's package mirror, reached through
# the VPC (set PIP_INDEX_URL in the image or the space to change it).
set -eu
pip config --user set global.index-url "${PIP_INDEX_URL:-https://pypi.org/simple}"
