#pragma once
// What every fuzz target shares: input as text, and the rule that a parser
// may refuse input only with mlops::Error (the CLI prints those as
// "mlops: error: ..."); any other exception, crash or failed check is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.hpp"

#define FUZZ_CHECK(cond)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                             \
    }                                                                           \
  } while (0)

// Runs body(text); an mlops::Error is a refusal, fine.
template <typename Body>
int fuzz_text(const std::uint8_t* data, std::size_t size, Body body) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    body(text);
  } catch (const mlops::Error&) {
  }
  return 0;
}
