# The seed's copy-task rows (T=200, N=128, batch 10, 1500 updates) as options of the original copytask.py
# and of ./nnrnn copytask. Sourced by collect_copy.sh.
ref_args() {
  case "$1" in
    RNN)      echo "--net-type RNN --rinit xavier --lr 0.001 --alpha 0.9" ;;
    RNN-orth) echo "--net-type RNN --rinit random --lr 0.0002 --alpha 0.99" ;;
    expRNN)   echo "--net-type expRNN --rinit henaff --lr 0.001 --lr_orth 0.0001 --alpha 0.99" ;;
    nnRNN)    echo "--net-type nnRNN --rinit cayley --lr 0.0005 --lr_orth 0.000001 --alam 0.0001 --Tdecay 0.000001 --alpha 0.99" ;;
    LSTM)     echo "--net-type LSTM --lr 0.0005 --alpha 0.99" ;;
    *) echo "unknown model $1" >&2; return 1 ;;
  esac
}
ours_preset() { echo "$1-128"; }
