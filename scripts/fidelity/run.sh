#!/usr/bin/env bash
# Regenerates FIDELITY.md (ours against the original over seeds; README "Fidelity report").
#   scripts/fidelity/run.sh                 fill the missing cached runs, then write the report
#   scripts/fidelity/run.sh --from-cache    write the report from fidelity/runs only (seconds)
#   scripts/fidelity/run.sh --retrain       delete the cached runs (of TASKS) and train everything again
# TASKS (default "copy psmnist ptb"), SEEDS (default 400..407) and MODELS (default: each task's models)
# choose the runs. Needs /usr/bin/python3 with python3-torch and NNRNN_REF_MIRROR (the original's bare
# mirror; see ../shared/bench/README.md) for the original's runs; psMNIST reads Debian's Fashion-MNIST.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"; cd "$root"
tasks="${TASKS:-copy psmnist ptb}"
seeds="${SEEDS:-400 401 402 403 404 405 406 407}"
models_of() {
  case "$1" in
    copy) echo "${MODELS:-nnRNN expRNN RNN RNN-orth LSTM}" ;;
    psmnist) echo "${MODELS:-nnRNN expRNN RNN LSTM}" ;;
    ptb) echo "${MODELS:-nnRNN expRNN}" ;;
    *) echo "run.sh: unknown task '$1' in TASKS (expected copy, psmnist, ptb)" >&2; exit 2 ;;
  esac
}
for t in $tasks; do models_of "$t" > /dev/null; done
case "${1:-}" in
  --from-cache) ;;
  --retrain) for t in $tasks; do rm -rf "fidelity/runs/$t/ours" "fidelity/runs/$t/original"; done ;&
  "")
    for t in $tasks; do
      # both implementations side by side, one thread each, at low priority
      nice -n 5 "scripts/fidelity/collect_$t.sh" original "$(models_of "$t")" "$seeds" & ref=$!
      nice -n 5 "scripts/fidelity/collect_$t.sh" ours "$(models_of "$t")" "$seeds"
      wait "$ref"
    done ;;
  *) echo "run.sh: unknown option '$1' (expected --from-cache or --retrain)" >&2; exit 2 ;;
esac
./nnrnn fidelity --runs fidelity/runs --out FIDELITY.md
