#!/usr/bin/env bash
# Fills fidelity/runs/ptb/<impl>/<model>-<seed>.csv (epoch,train_bpc,valid_bpc,test_bpc; test_bpc of the
# best-validation model on every row) for every missing (impl, model, seed). Models outermost, so a run
# cut short has every seed of the first models.
# Usage: collect_ptb.sh IMPL "MODELS" "SEEDS"   (IMPL: original | ours)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/scripts/fidelity/ptb_args.sh"
impl="$1"; models="$2"; seeds="$3"
out="${PTB_OUT:-$root/fidelity/runs/ptb}/$impl"; mkdir -p "$out"
data="$(mktemp -d)"; ptb_prepare "$data"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
for m in $models; do
  for seed in $seeds; do
    csv="$out/$m-$seed.csv"; [ -s "$csv" ] && continue
    tmp="$(mktemp -d)"
    if [ "$impl" = original ]; then
      /usr/bin/python3 "$root/scripts/fidelity/ref_ptb_run.py" "$tmp/run" "$data" -- $(ptb_ref_args "$m") \
        --nhid 128 --bptt 150 --batch 128 --epochs "$PTB_EPOCHS" --random-seed "$seed" > "$tmp/stderr" 2>&1 \
        || { echo "original $m $seed failed: $(tail -2 "$tmp/stderr")" >&2; rm -rf "$tmp"; continue; }
    else
      "$root/nnrnn" ptb --preset "$m-1024-T150" --nhid 128 --clip 0 --iinit kaiming --init "${NNRNN_FIDELITY_INIT:-original}" \
        --batch 128 --eval-batch 10 --epochs "$PTB_EPOCHS" --data-dir "$data" \
        --random-seed "$seed" --threads 1 --out "$tmp/run" > "$tmp/stdout" 2>&1 \
        || { echo "ours $m $seed failed: $(tail -2 "$tmp/stdout")" >&2; rm -rf "$tmp"; continue; }
    fi
    python3 "$root/scripts/fidelity/ptb_to_csv.py" "$impl" "$tmp/run" > "$tmp/csv"
    [ "$(wc -l < "$tmp/csv")" -gt 1 ] && mv "$tmp/csv" "$csv" && echo "ptb $impl $m $seed done $(date +%T)"
    rm -rf "$tmp"
  done
done
rm -rf "$data"
