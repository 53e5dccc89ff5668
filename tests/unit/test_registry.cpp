#include <doctest/doctest.h>

#include "core/error.hpp"
#include "registry/model_ref.hpp"
#include "registry/registry_store.hpp"
#include "registry/registry_tags.hpp"
#include "registry/semver.hpp"

using namespace mlops;

TEST_CASE("semver: parsing follows semver.org") {
  CHECK(SemVer::parse("1.2.3")->str() == "1.2.3");
  CHECK(SemVer::parse("v1.2.3")->str() == "1.2.3");
  CHECK(SemVer::parse("1.0.0-rc.1+build.5")->pre == "rc.1");
  CHECK(SemVer::parse("1.0.0-rc.1+build.5")->build == "build.5");
  for (const char* bad : {"1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-01", "1.2.3+", "a.b.c", "", "1..3", "1.2.3-rc..1"})
    CHECK_MESSAGE(!SemVer::parse(bad), bad);
}

TEST_CASE("semver: precedence, as in the spec's example") {
  const char* order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                         "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(order); ++i)
    CHECK_MESSAGE(*SemVer::parse(order[i]) < *SemVer::parse(order[i + 1]), order[i]);
  CHECK(*SemVer::parse("1.0.0+a") == *SemVer::parse("1.0.0+b"));  // build metadata does not count
}

TEST_CASE("semver: bumps") {
  auto v = *SemVer::parse("1.4.2");
  CHECK(v.bumped("patch").str() == "1.4.3");
  CHECK(v.bumped("minor").str() == "1.5.0");
  CHECK(v.bumped("major").str() == "2.0.0");
  CHECK(SemVer::parse("2.0.0-rc.1")->bumped("patch").str() == "2.0.0");
  CHECK(SemVer::parse("2.0.0-rc.1")->bumped("major").str() == "2.0.0");
  CHECK(SemVer::parse("1.2.0-rc.1")->bumped("minor").str() == "1.2.0");
  CHECK(SemVer::parse("1.2.3-rc.1")->bumped("minor").str() == "1.3.0");
  CHECK_THROWS_AS(v.bumped("huge"), Error);
}

TEST_CASE("model references") {
  auto r = parse_model_ref("team/churn@v1.2.0");
  CHECK(r.model == "team/churn");
  CHECK(r.kind == ModelRef::Kind::Version);
  CHECK(r.value == "1.2.0");
  CHECK(parse_model_ref("churn#production").kind == ModelRef::Kind::Stage);
  CHECK(parse_model_ref("churn:champion").value == "champion");
  CHECK(parse_model_ref("churn").kind == ModelRef::Kind::Latest);
  for (const char* bad : {"Churn", "-churn", "churn-", "a//b", "churn@1.2", "churn#Prod", "churn:v2", "churn:", ""})
    CHECK_THROWS_AS_MESSAGE(parse_model_ref(bad), Error, bad);
}

TEST_CASE("registry tags: GTO names both ways") {
  CHECK(register_tag_name("churn", "1.2.0") == "churn@v1.2.0");
  CHECK(stage_tag_name("churn", "prod", 3, false) == "churn#prod#3");
  CHECK(stage_tag_name("churn", "prod", 4, true) == "churn#prod!#4");
  CHECK(alias_tag_name("churn", "champion", 5, false) == "churn@champion#5");
  using K = RegistryTag::Kind;
  auto t = parse_registry_tag("team/churn@v1.2.0-rc.1");
  REQUIRE(t);
  CHECK(t->kind == K::Register);
  CHECK(t->model == "team/churn");
  CHECK(t->value == "1.2.0-rc.1");
  CHECK(parse_registry_tag("churn#prod#12")->number == 12);
  CHECK(parse_registry_tag("churn#prod!#13")->kind == K::Unassign);
  CHECK(parse_registry_tag("churn@champion#2")->kind == K::Alias);
  CHECK(parse_registry_tag("churn@champion!#3")->kind == K::Unalias);
  for (const char* other : {"v1.0", "release-1", "churn@v1.2", "churn#prod", "churn#prod#0", "churn#prod#x", "Churn@v1.0.0"})
    CHECK_MESSAGE(!parse_registry_tag(other), other);
}

TEST_CASE("registry tag messages carry the record") {
  auto msg = tag_message("Registering model churn version v1.0.0", {{"object_id", "xxh128:00"}, {"size", 3}});
  CHECK(msg.starts_with("Registering model churn version v1.0.0\n\nmlops-registry: {"));
  auto rec = tag_record(msg, "churn@v1.0.0");
  REQUIRE(rec);
  CHECK((*rec)["size"] == 3);
  CHECK_FALSE(tag_record("Registering artifact churn version v1.0.0", "churn@v1.0.0"));  // GTO's: no record
  CHECK_THROWS_WITH_AS(tag_record("mlops-registry: {not json", "churn@v1.0.0"),
                       "tag churn@v1.0.0: its mlops record is not a JSON object", Error);
}

TEST_CASE("registry tag records are checked as pointer files are") {
  auto read = [](const char* record_json) {
    ModelVersion v;
    v.author = "tagger";
    read_version_record(nlohmann::json::parse(record_json), "churn@v1.0.0", v);
    return v;
  };
  auto v = read(R"({"path":"models/churn.bin","object_id":"xxh128:0123456789abcdef0123456789abcdef","size":3,"kind":"file"})");
  CHECK(v.path == "models/churn.bin");
  CHECK(v.size == 3);
  CHECK(v.author == "tagger");
  auto fails = [&](const char* record_json, const char* message) {
    CHECK_THROWS_WITH_AS(read(record_json), doctest::Contains(message), Error);
  };
  const char* id = R"("object_id":"xxh128:0123456789abcdef0123456789abcdef")";
  fails(R"({"path":"m","object_id":"xxh128:../../../etc","size":3,"kind":"file"})",
        "tag churn@v1.0.0: 'object_id' in its mlops record: object id 'xxh128:../../../etc'");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":"huge","kind":"file"})").c_str(),
        "tag churn@v1.0.0: 'size' in its mlops record must be a whole number of bytes, not \"huge\"");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":-1,"kind":"file"})").c_str(), "whole number of bytes, not -1");
  fails((std::string(R"({"path":"../../etc/passwd",)") + id + R"(,"size":1,"kind":"file"})").c_str(),
        "unsafe path '../../etc/passwd'");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":1,"kind":"link"})").c_str(), "must be file or dir, not \"link\"");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":1,"kind":"file","tags":{"a":1}})").c_str(),
        "'tags' in its mlops record must map names to text");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":1,"kind":"file","metrics":[1]})").c_str(),
        "'metrics' in its mlops record must map names to numbers");
  fails((std::string(R"({"path":"m",)") + id + R"(,"size":1,"kind":"file","author":{}})").c_str(),
        "'author' in its mlops record must be text");
  fails(R"({"path":"m","size":1,"kind":"file"})", "its mlops record has no 'object_id'");
  CHECK(record_version(nlohmann::json::parse(R"({"version":"1.0.0"})"), "churn#prod#1") == "1.0.0");
  CHECK_THROWS_WITH_AS(record_version(nlohmann::json::parse(R"({"version":1})"), "churn#prod#1"),
                       "tag churn#prod#1: 'version' in its mlops record must be text, not 1", Error);
}
