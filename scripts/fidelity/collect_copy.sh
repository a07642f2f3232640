#!/usr/bin/env bash
# Fills fidelity/runs/copy/<impl>/<model>-<seed>.csv (update,loss,accuracy) for every missing
# (impl, model, seed); existing files are kept, so a rerun only fills what is missing.
# Usage: collect_copy.sh IMPL "MODELS" "SEEDS"   (IMPL: original | ours)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/scripts/fidelity/copy_args.sh"
impl="$1"; models="$2"; seeds="$3"
out="$root/fidelity/runs/copy/$impl"; mkdir -p "$out"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
for seed in $seeds; do
  for m in $models; do
    csv="$out/$m-$seed.csv"; [ -s "$csv" ] && continue
    tmp="$(mktemp -d)"
    if [ "$impl" = original ]; then
      /usr/bin/python3 "$root/../shared/bench/ref_copytask_run.py" "$tmp/log" -- $(ref_args "$m") \
        --nhid 128 --T 200 --batch 10 --random-seed "$seed" > "$tmp/stderr" 2>&1 \
        || { echo "original $m $seed failed: $(tail -2 "$tmp/stderr")" >&2; continue; }
      { echo "update,loss,accuracy"
        sed -n 's/^Update \([0-9]*\), Time for Update: [^,]* , Average Loss: \([^,]*\), Accuracy: \(.*\)$/\1,\2,\3/p' "$tmp/log"; } > "$tmp/csv"
    else
      "$root/nnrnn" copytask --preset "$(ours_preset "$m")" --init "${NNRNN_FIDELITY_INIT:-original}" \
        --random-seed "$seed" --threads 1 --out "$tmp/run" > "$tmp/stdout" 2>&1 \
        || { echo "ours $m $seed failed: $(tail -2 "$tmp/stdout")" >&2; continue; }
      python3 "$root/scripts/fidelity/ours_to_csv.py" "$tmp/run" > "$tmp/csv"
    fi
    [ "$(wc -l < "$tmp/csv")" -gt 1 ] && mv "$tmp/csv" "$csv" && echo "$impl $m $seed done $(date +%T)"
    rm -rf "$tmp"
  done
done
