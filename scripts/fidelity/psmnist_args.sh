# psMNIST at a reduced budget (README "Fidelity report"): permuted Fashion-MNIST, N=128, batch 100, the
# seed's psMNIST rows (nnrnn presets psmnist) for the models sMNIST.py supports; the first PSMNIST_TRAIN
# images of the reference's train part (R[:50000]) in order every epoch (shuffle=False), the last
# PSMNIST_VAL of its validation part, the first PSMNIST_VAL test images. Sourced by collect_psmnist.sh.
PSMNIST_TRAIN="${PSMNIST_TRAIN:-2000}"; PSMNIST_VAL="${PSMNIST_VAL:-1000}"; PSMNIST_EPOCHS="${PSMNIST_EPOCHS:-6}"
psmnist_ref_args() {
  case "$1" in
    RNN)    echo "--net-type RNN --rinit xavier --lr 0.0001 --alpha 0.9" ;;
    expRNN) echo "--net-type expRNN --rinit cayley --lr 0.0005 --lr_orth 0.00005 --alpha 0.99" ;;
    nnRNN)  echo "--net-type nnRNN --rinit cayley --lr 0.0002 --lr_orth 0.00002 --alam 0.1 --Tdecay 0.0001 --alpha 0.99" ;;
    LSTM)   echo "--net-type LSTM --lr 0.0005 --alpha 0.99" ;;
    *) echo "unknown psMNIST model $1 (sMNIST.py has RNN, nnRNN, expRNN, LSTM)" >&2; return 1 ;;
  esac
}
