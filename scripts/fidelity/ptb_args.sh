# PTB characters at a reduced budget (README "Fidelity report"). ../shared/data/ptb has only the valid
# and test texts, so both sides read one prepared folder: train.txt = ptb.char.valid.txt (21 windows of
# 150 × 128 per epoch), valid.txt = the first PTB_EVAL_PARTS-th of ptb.char.test.txt's lines, test.txt =
# the next as many lines. N=128, bptt 150, batch 128, eval batch 10, PTB_EPOCHS epochs, the seed's T150
# rows (nnrnn presets ptb) with the original's script defaults where the rows are silent: no clipping
# (language_task.py has none), --iinit kaiming (its default). Sourced by collect_ptb.sh.
PTB_EPOCHS="${PTB_EPOCHS:-5}"; PTB_EVAL_PARTS="${PTB_EVAL_PARTS:-16}"
PTB_SOURCE="${PTB_SOURCE:-$root/../shared/data/ptb}"
ptb_ref_args() {
  case "$1" in
    RNN)    echo "--net-type RNN --rinit xavier --optimizer RMSprop --alpha 0.9 --lr 0.00001" ;;
    expRNN) echo "--net-type expRNN --rinit cayley --optimizer RMSprop --alpha 0.9 --lr 0.001 --lr_orth 0.0001" ;;
    nnRNN)  echo "--net-type nnRNN --rinit cayley --optimizer Adam --lr 0.002 --lr_orth 0.0002 --alam 0.0001 --Tdecay 0.00001" ;;
    *) echo "unknown PTB model $1 (the seed's PTB rows the original runs: RNN, expRNN, nnRNN)" >&2; return 1 ;;
  esac
}
# the prepared data folder (train.txt, valid.txt, test.txt) in $1
ptb_prepare() {
  mkdir -p "$1"
  cp "$PTB_SOURCE/ptb.char.valid.txt" "$1/train.txt"
  local n part; n=$(wc -l < "$PTB_SOURCE/ptb.char.test.txt"); part=$((n / PTB_EVAL_PARTS))
  head -n "$part" "$PTB_SOURCE/ptb.char.test.txt" > "$1/valid.txt"
  sed -n "$((part + 1)),$((2 * part))p" "$PTB_SOURCE/ptb.char.test.txt" > "$1/test.txt"
}
