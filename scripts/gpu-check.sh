#!/usr/bin/env bash
# The GPU check (issue 14), for a machine with an NVIDIA GPU and PyTorch but no .NET. Needs what
# scripts/gpu-prepare.sh made in .device/ (carry it: the device tool's carry [".device"]).
#   0. the libtorch symbols TorchSharp needs and this libtorch lacks (static, from the ELF tables)
#   1. doctor: which libtorch, CUDA, devices
#   2. gpucheck: one update of every net type on every task on the device against the CPU
#      (loss, gradients, new parameters within float32 rounding); runs every op of the training path
#   3. exact resume on the device (copy task, stopped and resumed vs uninterrupted), and a run
#      started on the CPU resumed on the device
#   4. golden parity on the device (when .device/golden has the files)
#   5. bench --device on the seed's psMNIST (N=512, batch 100) and PTB (N=1024, batch 128, bptt 150)
#      configurations, beside the reference code's H100 figures (issue 14)
# Environment: GPU_CHECK_DEVICE (default cuda; cpu checks this script's logic on a machine without
# a GPU, at small sizes), NNRNN_LIBTORCH (default: the lib folder of python3's torch),
# GPU_CHECK_OUT (default $OUT if set, else .device/out): logs and summary.txt.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dev="$root/.device"
device="${GPU_CHECK_DEVICE:-cuda}"
dest="${GPU_CHECK_OUT:-${OUT:-$dev/out}}"
mkdir -p "$dest"
# Logs are written here and, at the end, summary.txt, gpucheck.txt, bench.jsonl, symbols.txt and a
# tarball of every log go to $dest (the device tool brings back at most 8 files).
out="$(mktemp -d)"
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
fail=0
finish() {
  say "gpu-check: $([ "$1" -eq 0 ] && echo 'all checks passed' || echo 'some checks FAILED') (logs in $dest)"
  tar czf "$dest/logs.tar.gz" -C "$out" .
  for f in summary.txt gpucheck.txt bench.jsonl symbols.txt; do [ -f "$out/$f" ] && cp "$out/$f" "$dest/"; done
  rm -rf "$out"
  exit "$1"
}
record() { # record NAME RC
  if [ "$2" -eq 0 ]; then say "PASS  $1"; else say "FAIL  $1 (exit $2)"; fail=1; fi
}

[ -f "$dev/app/NnRnn.Cli.dll" ] && [ -f "$dev/dotnet-runtime.tar.xz" ] || { echo "gpu-check: run scripts/gpu-prepare.sh first (and carry .device)" >&2; exit 2; }

# The .NET runtime, unpacked once per machine.
dotnet_dir="${TMPDIR:-/tmp}/nnrnn-dotnet"
if [ ! -x "$dotnet_dir/dotnet" ]; then
  mkdir -p "$dotnet_dir"
  python3 - "$dev/dotnet-runtime.tar.xz" "$dotnet_dir" <<'PY' || { echo "gpu-check: cannot unpack the .NET runtime" >&2; exit 2; }
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    try:
        archive.extractall(sys.argv[2], filter="data")
    except TypeError:  # Python without extraction filters
        archive.extractall(sys.argv[2])
PY
fi
export DOTNET_ROOT="$dotnet_dir" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The libtorch: the one of python3's PyTorch unless NNRNN_LIBTORCH names another.
if [ -z "${NNRNN_LIBTORCH:-}" ]; then
  NNRNN_LIBTORCH="$(python3 -c 'import torch,os; print(os.path.dirname(torch.__file__)+"/lib")' 2>/dev/null)" \
    || { echo "gpu-check: no PyTorch in python3; set NNRNN_LIBTORCH" >&2; exit 2; }
fi
export NNRNN_LIBTORCH
nnrnn() { "$dotnet_dir/dotnet" "$dev/app/NnRnn.Cli.dll" "$@"; }

quick=0
[ "$device" = cpu ] && quick=1   # the logic only: small sizes
say "gpu-check: device $device, NNRNN_LIBTORCH=$NNRNN_LIBTORCH, $(date -u +%FT%TZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$summary"

# 0. TorchSharp's libtorch symbols this libtorch lacks (read from the ELF tables, nothing runs):
# a missing one stops the process at its first call, if the training path ever calls it.
native="$(ls "$dev"/app/runtimes/linux-x64/native/libLibTorchSharp.so "$dev"/app/libLibTorchSharp.so 2>/dev/null | head -1)"
python3 "$root/scripts/libtorch-symbols.py" "$NNRNN_LIBTORCH" "$native" > "$out/symbols.txt" 2>&1
rc=$?
head -1 "$out/symbols.txt" | tee -a "$summary"
if [ $rc -eq 1 ] && command -v c++filt >/dev/null; then
  sed -n 's/^  missing //p' "$out/symbols.txt" | c++filt > "$out/symbols-demangled.txt"
fi
[ $rc -le 1 ] && say "INFO  libtorch symbols: $([ $rc -eq 0 ] && echo none missing || echo "some missing (symbols.txt); the checks below show whether the training path needs them")" \
  || record "libtorch symbols" $rc

# 1. doctor
nnrnn doctor 2>&1 | tee "$out/doctor.txt"; record "doctor" "${PIPESTATUS[0]}"
if [ "$device" != cpu ] && ! grep -q '^cuda: *available' "$out/doctor.txt"; then
  say "FAIL  no CUDA through $NNRNN_LIBTORCH ($(grep '^cuda:' "$out/doctor.txt")); nothing else to check"
  finish 1
fi

# 2. one update of every net on every task against the CPU, in one process; when that process dies
# (a symbol missing from this libtorch ends it at the first call), each configuration in its own,
# so that the table shows which ones reach the missing symbol and the log names it.
nnrnn gpucheck --device "$device" > "$out/gpucheck.txt" 2>&1
rc=$?
cat "$out/gpucheck.txt"
if [ $rc -gt 2 ]; then   # killed (abort, segfault) or 127, the loader's "symbol lookup error"
  say "gpucheck died (exit $rc: $(grep -m1 -E 'symbol|error' "$out/gpucheck.txt" || tail -1 "$out/gpucheck.txt")); again one configuration per process:"
  for task in copytask adding psmnist ptb; do
    for net in RNN RNN-orth expRNN nnRNN LSTM EURNN; do
      nnrnn gpucheck --device "$device" --task "$task" --net-type "$net" > "$out/gpucheck-$task-$net.txt" 2>&1
      one=$?
      if [ $one -gt 2 ]; then say "  $task $net: died (exit $one): $(grep -m1 -E 'symbol|error' "$out/gpucheck-$task-$net.txt" || tail -1 "$out/gpucheck-$task-$net.txt")"
      else say "  $(grep -E "^$task +$net " "$out/gpucheck-$task-$net.txt")"; fi
    done
  done
fi
record "gpucheck (every net x task vs CPU)" $rc

# 3. exact resume on the device; a CPU run resumed on the device
runs="$(mktemp -d)"
common=(--net-type nnRNN --T 30 --nhid 32 --batch 8 --steps 8 --checkpoint-every 2 --random-seed 3)
losses() { cut -d, -f1-3 "$1/metrics.csv"; }   # step, loss, accuracy (not ms)
nnrnn copytask "${common[@]}" --device "$device" --out "$runs/whole" > "$out/resume.txt" 2>&1 \
  && nnrnn copytask "${common[@]}" --device "$device" --out "$runs/split" --stop-after 3 >> "$out/resume.txt" 2>&1 \
  && nnrnn copytask --resume "$runs/split" --device "$device" >> "$out/resume.txt" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  if diff <(losses "$runs/whole") <(losses "$runs/split") >> "$out/resume.txt"; then say "PASS  exact resume on $device (losses bit-identical)"
  else say "FAIL  exact resume on $device: losses differ (see resume.txt)"; fail=1; fi
else record "exact resume on $device" $rc; fi
nnrnn copytask "${common[@]}" --device cpu --out "$runs/cross" --stop-after 3 >> "$out/resume.txt" 2>&1 \
  && nnrnn copytask --resume "$runs/cross" --device "$device" >> "$out/resume.txt" 2>&1 \
  && nnrnn copytask "${common[@]}" --device cpu --out "$runs/cpu" >> "$out/resume.txt" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  worst="$(python3 - "$runs/cpu/metrics.csv" "$runs/cross/metrics.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1]))); b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b), "row counts differ"
print(max(abs(float(x["loss"]) - float(y["loss"])) / max(abs(float(x["loss"])), 1e-30) for x, y in zip(a, b)))
PY
)"
  if python3 -c "import sys; sys.exit(0 if float('$worst') <= 1e-3 else 1)" 2>/dev/null; then
    say "PASS  CPU checkpoint resumed on $device (max relative loss difference to the all-CPU run $worst)"
  else say "FAIL  CPU checkpoint resumed on $device: max relative loss difference $worst"; fail=1; fi
else record "CPU checkpoint resumed on $device" $rc; fi
rm -rf "$runs"

# 4. golden parity on the device
for g in "$dev"/golden/ref_golden.json "$dev"/golden/ref_trajectory.json; do
  [ -f "$g" ] || continue
  nnrnn golden "$g" --device "$device" > "$out/golden-$(basename "$g" .json).txt" 2>&1
  rc=$?; tail -1 "$out/golden-$(basename "$g" .json).txt" | tee -a "$summary"; record "golden $(basename "$g") on $device" $rc
done

# 5. bench on the seed's configurations
if [ $quick -eq 1 ]; then
  psmnist=(--task psmnist --nhid 32 --batch 4 --T 40 --warmup 1 --repeats 2)
  ptb=(--task ptb --nhid 32 --batch 4 --T 20 --warmup 1 --repeats 2)
else
  psmnist=(--task psmnist --nhid 512 --batch 100 --T 784 --warmup 3 --repeats 10)
  ptb=(--task ptb --nhid 1024 --batch 128 --T 150 --warmup 3 --repeats 10)
fi
{ nnrnn bench --device "$device" --net-type RNN,nnRNN,expRNN,LSTM "${psmnist[@]}" && nnrnn bench --device "$device" --net-type nnRNN,expRNN "${ptb[@]}"; } > "$out/bench.jsonl" 2> "$out/bench.err"
record "bench --device $device" $?
python3 - "$out/bench.jsonl" <<'PY' | tee -a "$summary"
import json, sys
# The reference code on an H100, ms per update (issue 14); target: at least 5x faster.
reference = {("psmnist", "RNN"): 343, ("psmnist", "nnRNN"): 431, ("psmnist", "expRNN"): 285, ("psmnist", "LSTM"): 569,
             ("ptb", "nnRNN"): 495, ("ptb", "expRNN"): 76}
shapes = {"psmnist": (512, 100, 784), "ptb": (1024, 128, 150)}   # N, batch, T of those figures
print(f"{'task':8} {'net':7} {'N':>5} {'batch':>5} {'T':>4} {'device':7} {'ms median':>10} {'reference ms':>12} {'speed-up':>9}  5x target")
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    r = json.loads(line)
    same = shapes.get(r["task"]) == (r["nhid"], r["batch"], r["seq_len"])
    ref = reference.get((r["task"], r["net"])) if same else None   # other sizes (GPU_CHECK_DEVICE=cpu): no comparison
    ratio = ref / r["ms_median"] if ref else None
    print(f"{r['task']:8} {r['net']:7} {r['nhid']:>5} {r['batch']:>5} {r['seq_len']:>4} {r.get('device', '?'):7} {r['ms_median']:>10.1f} "
          f"{ref if ref else '-':>12} {f'{ratio:.2f}x' if ratio else '-':>9}  {('met' if ratio >= 5 else 'not met') if ratio else '-'}")
PY

finish $fail
