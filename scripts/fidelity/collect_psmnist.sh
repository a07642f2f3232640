#!/usr/bin/env bash
# Fills fidelity/runs/psmnist/<impl>/<model>-<seed>.csv (epoch,train_loss,valid_accuracy,test_accuracy;
# test_accuracy of the best-validation model on every row) for every missing (impl, model, seed).
# Usage: collect_psmnist.sh IMPL "MODELS" "SEEDS"   (IMPL: original | ours)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/scripts/fidelity/psmnist_args.sh"
impl="$1"; models="$2"; seeds="$3"
fashion="${NNRNN_FASHION_DIR:-/usr/share/datasets/fashion-mnist}"
out="${PSMNIST_OUT:-$root/fidelity/runs/psmnist}/$impl"; mkdir -p "$out"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
for seed in $seeds; do
  for m in $models; do
    csv="$out/$m-$seed.csv"; [ -s "$csv" ] && continue
    tmp="$(mktemp -d)"
    if [ "$impl" = original ]; then
      NNRNN_FASHION_DIR="$fashion" /usr/bin/python3 "$root/scripts/fidelity/ref_psmnist_run.py" "$tmp/run" \
        --train "$PSMNIST_TRAIN" --val "$PSMNIST_VAL" -- $(psmnist_ref_args "$m") --nhid 128 --batch 100 \
        --permute --epochs "$PSMNIST_EPOCHS" --random-seed "$seed" > "$tmp/stderr" 2>&1 \
        || { echo "original $m $seed failed: $(tail -2 "$tmp/stderr")" >&2; rm -rf "$tmp"; continue; }
      /usr/bin/python3 "$root/scripts/fidelity/psmnist_to_csv.py" original "$tmp/run" "$PSMNIST_TRAIN" > "$tmp/csv"
    else
      "$root/nnrnn" psmnist --preset "$m-512" --nhid 128 --batch 100 --init "${NNRNN_FIDELITY_INIT:-original}" \
        --dataset fashion-mnist --data-dir "$fashion" --permute --no-shuffle --epochs "$PSMNIST_EPOCHS" \
        --limit-train "$PSMNIST_TRAIN" --val-size "$PSMNIST_VAL" --limit-test "$PSMNIST_VAL" \
        --random-seed "$seed" --threads 1 --out "$tmp/run" > "$tmp/stdout" 2>&1 \
        || [ "$(tail -n +2 "$tmp/run/metrics.csv" 2>/dev/null | wc -l)" = "$PSMNIST_EPOCHS" ] \
        || { echo "ours $m $seed failed: $(tail -2 "$tmp/stdout")" >&2; rm -rf "$tmp"; continue; }
      # a run whose every epoch exploded trains to the end but has no best model, so no test: kept, test NaN
      python3 "$root/scripts/fidelity/psmnist_to_csv.py" ours "$tmp/run" "$PSMNIST_TRAIN" > "$tmp/csv"
    fi
    [ "$(wc -l < "$tmp/csv")" -gt 1 ] && mv "$tmp/csv" "$csv" && echo "psmnist $impl $m $seed done $(date +%T)"
    rm -rf "$tmp"
  done
done
