#pragma once
// The stages' graph: an edge A -> B when B depends on an output of A (the
// same path, a path inside it, or a folder that holds it).
#include <string>
#include <vector>

#include "pipeline/pipeline_file.hpp"

namespace mlops {

struct Dag {
  std::vector<std::vector<std::size_t>> upstream, downstream;  // by stage index
  std::vector<std::size_t> order;                              // dependencies first, file order among equals
};

// Throws Error(Input) for outputs two stages share (or that nest), and for
// cycles, naming the stages and paths.
Dag build_dag(const Pipeline& p);

// The stages to consider for `targets` (all when empty): each with everything
// it depends on, or with --downstream everything that depends on it. Error(Usage)
// for an unknown stage name. In dependency order.
std::vector<std::size_t> select_stages(const Pipeline& p, const Dag& dag, const std::vector<std::string>& targets,
                                       bool downstream);

}  // namespace mlops
