#pragma once
// Where S3 credentials come from, in the order the AWS tools use: the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
// then the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
// ~/.aws/credentials) at the profile asked for (else AWS_PROFILE, else default).
#include <string>

namespace mlops {

struct AwsCredentials {
  std::string access_key, secret_key, session_token;
  std::string source;  // for messages: "environment" or "~/.aws/credentials [profile]"
};

// Throws Error(Remote) saying where it looked when nothing is found.
AwsCredentials load_aws_credentials(const std::string& profile);

}  // namespace mlops
