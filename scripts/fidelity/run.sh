#!/usr/bin/env bash
# Regenerates FIDELITY.md (ours against the original over seeds; README "Fidelity report").
#   scripts/fidelity/run.sh                 fill the missing cached runs, then write the report
#   scripts/fidelity/run.sh --from-cache    write the report from fidelity/runs only (seconds)
#   scripts/fidelity/run.sh --retrain       delete the cached runs and train everything again
# SEEDS (default 400..407) and MODELS choose the runs. Needs /usr/bin/python3 with python3-torch and
# NNRNN_REF_MIRROR (the original's bare mirror; see ../shared/bench/README.md) for the original's runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"; cd "$root"
seeds="${SEEDS:-400 401 402 403 404 405 406 407}"
models="${MODELS:-nnRNN expRNN RNN RNN-orth LSTM}"
case "${1:-}" in
  --from-cache) ;;
  --retrain) rm -rf fidelity/runs/copy/ours fidelity/runs/copy/original ;&
  "")
    # both implementations side by side, one thread each, at low priority
    nice -n 5 scripts/fidelity/collect_copy.sh original "$models" "$seeds" & ref=$!
    nice -n 5 scripts/fidelity/collect_copy.sh ours "$models" "$seeds"
    wait "$ref" ;;
  *) echo "run.sh: unknown option '$1' (expected --from-cache or --retrain)" >&2; exit 2 ;;
esac
./nnrnn fidelity --runs fidelity/runs --out FIDELITY.md
