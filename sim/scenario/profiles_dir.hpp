#pragma once
// Where the shipped data files (profiles/: compression costs, inference devices and models)
// are found: beside an installed binary first, in the source tree it was built from otherwise.
#include <string>

namespace cs {

// <prefix>/share/clustersim/profiles when the binary runs as <prefix>/bin/clustersim and that
// folder exists (after `cmake --install`, wherever the prefix was moved); else the source
// tree's profiles/ (a binary run from its build tree, or copied elsewhere on the same machine).
const std::string& profiles_dir();

}  // namespace cs
