#!/usr/bin/env bash
# Installs everything clustersim needs from Debian's packages, and nothing else.
# Skips apt entirely when every package is already installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libsimgrid-dev nlohmann-json3-dev libfmt-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev libeigen3-dev zlib1g-dev
  dataset-fashion-mnist parallel python3 python3-matplotlib python3-numpy python3-scipy
  help2man  # the man page (sim/CMakeLists.txt)
  clang libclang-rt-14-dev  # libFuzzer (tests/fuzz); libclang-rt is only recommended by clang
  slurm-wlm munge  # a real single-node Slurm for tests/slurm (slurm-wlm brings slurmctld, slurmd, the clients)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
# munge and slurm-wlm bring services; in a container or chroot nothing should start them
# (tests/slurm starts its own daemons): a policy-rc.d refusing every start, for this install only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
