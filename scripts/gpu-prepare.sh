#!/usr/bin/env bash
# Prepares what scripts/gpu-check.sh needs on a machine with an NVIDIA GPU and PyTorch but no .NET:
# a framework-dependent publish of the CLI built without a libtorch (-p:NnRnnTorchBackend=external; the
# machine's PyTorch supplies one through NNRNN_LIBTORCH) and an archive of this machine's .NET runtime,
# both in .device/ (git-ignored), plus the golden files. The device machine's tool carries ignored
# paths only when named (carry: [".device"]) and at most 64 MiB in all: checked at the end.
# Usage: scripts/gpu-prepare.sh [OUT_DIR]   (default: .device in the repository root)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.device}"
limit_mb=64
[ "$(uname -m)" = x86_64 ] || { echo "gpu-prepare: the device machine is x86-64; this machine is $(uname -m)" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "gpu-prepare: dotnet is needed here" >&2; exit 2; }

rm -rf "$out/app" "$out"/dotnet-runtime.* "$out/golden" "$out/out"
mkdir -p "$out"
# Publish from a copy of the sources, so that this checkout's obj/ (restored for TorchSharp-cpu) is left alone.
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$src"
echo "gpu-prepare: publishing the CLI (NnRnnTorchBackend=external, framework-dependent)..." >&2
dotnet publish "$src/src/NnRnn.Cli/NnRnn.Cli.csproj" -c Release -nologo -v q -tl:off \
  -p:NnRnnTorchBackend=external --no-self-contained -o "$out/app" >&2
# Only Linux x86-64 natives travel (the other platforms' copies would only take room).
find "$out/app/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
rm -f "$out/app/"*.pdb

# The .NET runtime the publish targets: dotnet host, hostfxr and Microsoft.NETCore.App of this machine.
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
framework="$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' "$out/app/NnRnn.Cli.runtimeconfig.json" | head -1)"
runtime="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/"${framework%.*}".* 2>/dev/null | sort -V | tail -1)"
[ -n "$runtime" ] || { echo "gpu-prepare: no Microsoft.NETCore.App $framework under $dotnet_root" >&2; exit 2; }
fxr="$(ls -d "$dotnet_root"/host/fxr/* | sort -V | tail -1)"
# xz: 26 MiB instead of 34 (gpu-check.sh unpacks it with Python, which the device machine has)
tar cJf "$out/dotnet-runtime.tar.xz" -C "$dotnet_root" dotnet "${fxr#"$dotnet_root"/}" "${runtime#"$dotnet_root"/}"

# Golden files (parity with the reference) when the shared folder is beside the checkout.
if [ -d "$root/../shared/golden" ]; then
  mkdir -p "$out/golden" && cp "$root/../shared/golden/"*.json "$out/golden/"
fi

# What travels: the working tree's files and the carried folder, together.
tree_kb=$(( $(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) / 1024 ))
size_mb=$(( ($(du -sk "$out" | cut -f1) + tree_kb) / 1024 ))
echo "gpu-prepare: $out $(du -sh "$out" | cut -f1) (app $(du -sh "$out/app" | cut -f1), runtime $(du -sh "$out/dotnet-runtime.tar.xz" | cut -f1)) + working tree $((tree_kb / 1024)) MiB = ${size_mb} MiB; limit ${limit_mb} MiB" >&2
if [ "$size_mb" -ge "$limit_mb" ]; then echo "gpu-prepare: too large to carry" >&2; exit 1; fi
echo "$out"
