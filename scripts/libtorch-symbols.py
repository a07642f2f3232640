#!/usr/bin/env python3
"""Which libtorch symbols TorchSharp's native library needs that a libtorch folder does not define.

TorchSharp 0.107's libLibTorchSharp.so is built against libtorch 2.10; under another libtorch a
symbol that changed is resolved lazily and stops the process at its first call. This reads the ELF
dynamic symbol tables (no binutils needed) and lists, without running anything, the undefined
at::/c10::/torch:: symbols of libLibTorchSharp.so that no library in the folder defines.
Usage: libtorch-symbols.py LIBTORCH_FOLDER LIBLIBTORCHSHARP_SO    (exit 0: none missing, 1: some)
"""
import glob
import os
import re
import struct
import sys

TORCH = re.compile(r"_ZN?K?(2at|3c10|5torch|6caffe2)")


def dynamic_symbols(path):
    """(defined, undefined) names of an ELF64 little-endian shared library's .dynsym."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    defined, undefined = set(), set()
    for sh in sections:
        if sh[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[sh[6]]  # sh_link: its string table
        str_off = strtab[4]
        for at in range(sh[4], sh[4] + sh[5], 24):
            st_name, st_info, _, st_shndx = struct.unpack_from("<IBBH", data, at)
            if st_name == 0:
                continue
            end = data.index(b"\0", str_off + st_name)
            name = data[str_off + st_name:end].decode("ascii", "replace")
            (undefined if st_shndx == 0 else defined).add(name)
    return defined, undefined


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    folder, native = sys.argv[1], sys.argv[2]
    libs = [p for p in glob.glob(os.path.join(folder, "*.so*")) if re.search(r"/lib(c10|torch)[^/]*\.so", p)]
    if not libs:
        print(f"libtorch-symbols: no libc10/libtorch libraries in {folder}", file=sys.stderr)
        return 2
    provided = set()
    for lib in libs:
        try:
            provided |= dynamic_symbols(lib)[0]
        except (ValueError, struct.error) as e:
            print(f"libtorch-symbols: skipped {lib}: {e}", file=sys.stderr)
    needed = {s for s in dynamic_symbols(native)[1] if TORCH.match(s)}
    missing = sorted(needed - provided)
    print(f"libtorch-symbols: {len(needed)} libtorch symbols needed by {os.path.basename(native)}, "
          f"{len(missing)} not defined in {folder} ({len(libs)} libraries)")
    for name in missing:
        print(f"  missing {name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
