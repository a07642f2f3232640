#!/usr/bin/env bash
# The idle-machine benchmark behind BENCHMARKS.md: per-shape BLAS choices measured anew, the
# side-by-side runs against the original (copy twice, PTB, psMNIST), the roofline lines, and peak memory.
# Run from the repository root on an otherwise idle machine, with ../shared beside it and the original
# set up as ../shared/bench/README.md says (NNRNN_REF_MIRROR points at its mirror).
cd "$(dirname "$0")/../.."
: "${NNRNN_REF_MIRROR:?set NNRNN_REF_MIRROR to the git mirror of the original code, see ../shared/bench/README.md}"
date -u; uptime; git log --oneline -1
rm -f "${NNRNN_GEMM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nnrnn/gemm-choices.json}"   # measure the BLAS choices on the idle machine
E="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE"
$E ./nnrnn bench --task psmnist --net-type RNN,nnRNN,expRNN,LSTM --nhid 512 --batch 100 --threads 2 --T 5 --warmup 0 --repeats 1 >/dev/null 2>&1
$E ./nnrnn bench --task ptb --net-type nnRNN,expRNN --nhid 1024 --batch 128 --threads 2 --T 5 --warmup 0 --repeats 1 >/dev/null 2>&1
tr -d '\n' < "${NNRNN_GEMM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nnrnn/gemm-choices.json}"; echo
bash ../shared/bench/side_by_side.sh copy
bash ../shared/bench/side_by_side.sh copy
bash ../shared/bench/side_by_side.sh ptb
bash ../shared/bench/side_by_side.sh psmnist
$E ./nnrnn bench --task psmnist --net-type RNN,nnRNN,expRNN,LSTM --nhid 512 --batch 100 --threads 2 --warmup 1 --repeats 2 --roofline
$E ./nnrnn bench --task ptb --net-type nnRNN,expRNN --nhid 1024 --batch 128 --threads 2 --warmup 1 --repeats 2 --roofline
$E /usr/bin/time -v ./nnrnn bench --task psmnist --net-type nnRNN --nhid 512 --batch 100 --threads 1 --warmup 0 --repeats 1 2>&1 | grep -E "ms_median|Maximum resident"
$E /usr/bin/time -v /usr/bin/python3 ../shared/bench/ref_step_bench.py --task psmnist --net-type nnRNN --nhid 512 --batch 100 --threads 1 --warmup 0 --steps 1 2>&1 | grep -E "ms_per_update_median|Maximum resident" | cut -c1-300
date -u; uptime
