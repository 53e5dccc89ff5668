#include "remote/aws_credentials.hpp"

#include <cstdlib>

#include "core/error.hpp"
#include "core/fs.hpp"

namespace mlops {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

AwsCredentials load_aws_credentials(const std::string& wanted_profile) {
  AwsCredentials c;
  c.access_key = env("AWS_ACCESS_KEY_ID");
  c.secret_key = env("AWS_SECRET_ACCESS_KEY");
  if (!c.access_key.empty() && !c.secret_key.empty()) {
    c.session_token = env("AWS_SESSION_TOKEN");
    c.source = "the environment (AWS_ACCESS_KEY_ID)";
    return c;
  }
  std::string profile = !wanted_profile.empty() ? wanted_profile : !env("AWS_PROFILE").empty() ? env("AWS_PROFILE") : "default";
  fs::path file = !env("AWS_SHARED_CREDENTIALS_FILE").empty() ? fs::path(env("AWS_SHARED_CREDENTIALS_FILE"))
                                                               : fs::path(env("HOME")) / ".aws" / "credentials";
  if (auto st = lstat_path(file); st) {
    std::string section;
    std::string text = read_file(file, 1u << 20);
    std::size_t pos = 0;
    AwsCredentials found;
    while (pos < text.size()) {
      auto nl = text.find('\n', pos);
      std::string line = trim(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
      pos = nl == std::string::npos ? text.size() : nl + 1;
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;
      if (line.front() == '[' && line.back() == ']') {
        section = trim(line.substr(1, line.size() - 2));
        continue;
      }
      auto eq = line.find('=');
      if (eq == std::string::npos || section != profile) continue;
      std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
      if (key == "aws_access_key_id") found.access_key = value;
      else if (key == "aws_secret_access_key") found.secret_key = value;
      else if (key == "aws_session_token") found.session_token = value;
    }
    if (!found.access_key.empty() && !found.secret_key.empty()) {
      found.source = fmt::format("{} [{}]", file.string(), profile);
      return found;
    }
  }
  throw Error(ExitCode::Remote, "no S3 credentials found",
              fmt::format("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile [{}] to {}", profile,
                          file.string()));
}

}  // namespace mlops
