#include "exp/run_filter.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_fields.hpp"

namespace mlops {

struct RunFilter::Node {
  enum class Kind { And, Or, Not, Compare } kind = Kind::Compare;
  // And and Or hold every operand of a chain, so that `a and b and ...` adds
  // no depth: only parentheses and `not` nest, and they are bounded.
  std::vector<std::shared_ptr<const Node>> operands;
  std::optional<RunField> field;
  std::string op, value;
  std::optional<double> number;  // the value, when it reads as a number
};

namespace {

struct Token {
  enum class Type { Word, String, Number, Op, LParen, RParen, End } type;
  std::string text;
  std::size_t pos;
};

[[noreturn]] void bad(std::string_view text, std::size_t pos, const std::string& why) {
  // A long filter is shown around the position only: one line, not 80 KB.
  constexpr std::size_t kAround = 40;
  std::size_t from = pos > kAround ? pos - kAround : 0;
  std::string shown = (from ? "..." : "") + std::string(text.substr(from, 2 * kAround)) +
                      (from + 2 * kAround < text.size() ? "..." : "");
  std::size_t caret = pos - from + (from ? 3 : 0);
  throw Error(ExitCode::Usage,
              fmt::format("filter: {} at position {}\n  {}\n  {}^", why, pos + 1, shown, std::string(caret, ' ')),
              "example: metrics.acc > 0.9 and params.lr = 0.01 and tags.team = \"nlp\"");
}

std::vector<Token> tokenize(std::string_view t) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Token::Type::LParen : Token::Type::RParen, std::string(1, c), i++});
    } else if (c == '"' || c == '\'') {
      std::size_t start = i++;
      std::string s;
      while (i < t.size() && t[i] != c) {
        if (t[i] == '\\' && i + 1 < t.size()) ++i;
        s += t[i++];
      }
      if (i >= t.size()) bad(t, start, "unterminated string");
      ++i;
      out.push_back({Token::Type::String, s, start});
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::size_t start = i++;
      if (i < t.size() && t[i] == '=') ++i;
      std::string op(t.substr(start, i - start));
      if (op == "!") bad(t, start, "'!' must be followed by '='");
      out.push_back({Token::Type::Op, op == "==" ? "=" : op, start});
    } else if (std::isdigit(static_cast<unsigned char>(c)) || ((c == '-' || c == '.') && i + 1 < t.size() &&
                                                              std::isdigit(static_cast<unsigned char>(t[i + 1])))) {
      std::size_t start = i;
      char* end = nullptr;
      std::string rest(t.substr(i));
      std::strtod(rest.c_str(), &end);
      i += static_cast<std::size_t>(end - rest.c_str());
      out.push_back({Token::Type::Number, std::string(t.substr(start, i - start)), start});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = i;
      // '/' too: metric names such as val/loss (MLflow's) are fields.
      while (i < t.size() &&
             (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_' || t[i] == '.' || t[i] == '-' || t[i] == '/'))
        ++i;
      out.push_back({Token::Type::Word, std::string(t.substr(start, i - start)), start});
    } else {
      bad(t, i, fmt::format("unexpected character '{}'", c));
    }
  }
  out.push_back({Token::Type::End, "", t.size()});
  return out;
}

class Parser {
public:
  Parser(std::string_view text, const RunRefResolver& resolve) : text_(text), tokens_(tokenize(text)), resolve_(resolve) {}

  std::shared_ptr<const RunFilter::Node> run() {
    auto n = parse_or();
    if (peek().type != Token::Type::End) bad(text_, peek().pos, fmt::format("expected 'and', 'or' or the end, not '{}'", peek().text));
    return n;
  }

private:
  using Node = RunFilter::Node;
  const Token& peek() const { return tokens_[i_]; }
  bool is_word(const char* w) const { return peek().type == Token::Type::Word && peek().text == w; }

  // Operands joined by the word `op` ("and", "or"), one node for the chain.
  template <typename Next>
  std::shared_ptr<const Node> chain(Node::Kind k, const char* op, Next next) {
    auto first = next();
    if (!is_word(op)) return first;
    auto n = std::make_shared<Node>();
    n->kind = k;
    n->operands.push_back(std::move(first));
    while (is_word(op)) {
      ++i_;
      n->operands.push_back(next());
    }
    return n;
  }
  std::shared_ptr<const Node> parse_or() { return chain(Node::Kind::Or, "or", [this] { return parse_and(); }); }
  std::shared_ptr<const Node> parse_and() { return chain(Node::Kind::And, "and", [this] { return parse_unary(); }); }
  std::shared_ptr<const Node> parse_unary() {
    if (is_word("not") || peek().type == Token::Type::LParen) {
      // Each level is a frame of this parser, of eval and of the tree's
      // destructor: a bound keeps a hostile filter from overflowing the stack.
      if (depth_ == kMaxDepth)
        bad(text_, peek().pos, fmt::format("more than {} nested parentheses and 'not's", kMaxDepth));
      ++depth_;
      std::shared_ptr<const Node> n;
      if (is_word("not")) {
        ++i_;
        auto negated = std::make_shared<Node>();
        negated->kind = Node::Kind::Not;
        negated->operands.push_back(parse_unary());
        n = std::move(negated);
      } else {
        std::size_t open = peek().pos;
        ++i_;
        n = parse_or();
        if (peek().type != Token::Type::RParen) bad(text_, peek().pos, fmt::format("expected ')' to close the '(' at position {}", open + 1));
        ++i_;
      }
      --depth_;
      return n;
    }
    return parse_compare();
  }
  std::shared_ptr<const Node> parse_compare() {
    const Token& f = peek();
    if (f.type != Token::Type::Word) bad(text_, f.pos, f.type == Token::Type::End ? "expected a field, found the end" : fmt::format("expected a field such as metrics.acc, not '{}'", f.text));
    auto field = RunField::parse(f.text);
    if (!field) bad(text_, f.pos, fmt::format("unknown field '{}' (use {})", f.text, run_field_help()));
    ++i_;
    const Token& op = peek();
    if (op.type != Token::Type::Op) bad(text_, op.pos, fmt::format("expected a comparison (= != < <= > >=) after '{}'", f.text));
    ++i_;
    const Token& v = peek();
    if (v.type != Token::Type::Number && v.type != Token::Type::String && v.type != Token::Type::Word)
      bad(text_, v.pos, fmt::format("expected a value after '{}'", op.text));
    ++i_;
    auto n = std::make_shared<Node>();
    n->field = std::move(field);
    n->op = op.text;
    n->value = v.text;
    bool run_ref = n->field->kind == RunField::Kind::Id || n->field->kind == RunField::Kind::Parent;
    if (run_ref && resolve_ && (n->op == "=" || n->op == "==" || n->op == "!="))
      if (auto id = resolve_(v.text)) n->value = *id;
    n->number = run_ref ? std::nullopt : parse_number(n->value);
    return n;
  }

  static constexpr std::size_t kMaxDepth = 100;
  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
  const RunRefResolver& resolve_;
};


template <typename T>
bool compare(const T& a, const std::string& op, const T& b) {
  if (op == "=") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

bool eval(const RunFilter::Node& n, const Run& r) {
  using K = RunFilter::Node::Kind;
  switch (n.kind) {
    case K::And: return std::all_of(n.operands.begin(), n.operands.end(), [&](const auto& o) { return eval(*o, r); });
    case K::Or: return std::any_of(n.operands.begin(), n.operands.end(), [&](const auto& o) { return eval(*o, r); });
    case K::Not: return !eval(*n.operands[0], r);
    case K::Compare: break;
  }
  // Numbers compare as numbers ("0.010" = 0.01), anything else as text.
  if (n.number)
    if (auto x = n.field->number(r)) return compare(*x, n.op, *n.number);
  auto have = n.field->text(r);
  if (!have) return false;
  return compare(*have, n.op, n.value);
}

}  // namespace

RunFilter RunFilter::parse(std::string_view text, const RunRefResolver& resolve) {
  RunFilter f;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return f;  // no filter: every run
  f.root_ = Parser(text, resolve).run();
  return f;
}

bool RunFilter::matches(const Run& run) const { return !root_ || eval(*root_, run); }

}  // namespace mlops
