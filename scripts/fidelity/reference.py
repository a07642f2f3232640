"""The original nnRNN code, prepared the same way for every fidelity driver: ../shared/bench/ref_compat.py
(the shared folder beside the repository) on the path, one thread, OpenBLAS (OpenMP build), the torch 1.13
shims and nnRNN's log_P init fix. Import this module before torch."""
import os, sys

SHARED = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "bench"))
import ref_compat  # noqa: E402


def load():
    """Returns (the original's folder, torch), torch imported only after the thread and BLAS settings."""
    ref_compat.set_thread_env(1)
    ref_compat.preload_blas("openblas-openmp")
    ref_dir = ref_compat.DEFAULT_REF_DIR
    ref_compat.ensure_ref(ref_dir)
    import torch
    torch.set_num_threads(1)
    ref_compat.apply_torch_shims()
    ref_compat.fix_nnrnn_log_p_init("rinit")
    return ref_dir, torch
