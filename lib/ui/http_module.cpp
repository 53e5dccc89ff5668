// mlops-http.so: cpp-httplib behind the one function http_server.hpp names.
// Only GET and HEAD reach the handler; request lines, headers and bodies are
// bounded by the library (8 KiB lines and headers) and by the payload limit.
#include <httplib.h>

#include <exception>

#include "http_server.hpp"

namespace {

void answer(const mlops::HttpServeOptions& opt, const httplib::Request& req, httplib::Response& res) {
  mlops::UiRequest in;
  in.method = req.method;
  in.path = req.path;
  for (const auto& [k, v] : req.params) in.query.emplace(k, v);
  in.cookie = req.get_header_value("Cookie");
  in.host = req.get_header_value("Host");
  mlops::UiResponse out;
  try {
    out = opt.handler(in);
  } catch (const std::exception& e) {
    out = {500, "text/plain; charset=utf-8", std::string("mlops ui: ") + e.what() + "\n", {}};
  }
  res.status = out.status;
  for (const auto& [k, v] : out.headers) res.set_header(k.c_str(), v);
  res.set_content(std::move(out.body), out.content_type.c_str());
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int mlops_http_serve(const mlops::HttpServeOptions* opt,
                                                                        std::string* error) {
  httplib::Server server;
  std::size_t threads = opt->threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(64 * 1024);
  // SO_REUSEADDR (a restart binds at once) but not the library's default
  // SO_REUSEPORT, with which a second mlops ui on a taken port would bind
  // too and share its requests with the first.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // A client that sends its request slowly holds a worker: short timeouts
  // and keep-alive, and many workers (idle threads cost little).
  server.set_read_timeout(3, 0);
  server.set_keep_alive_timeout(2);
  server.set_keep_alive_max_count(20);
  server.set_write_timeout(30, 0);
  auto handle = [opt](const httplib::Request& req, httplib::Response& res) { answer(*opt, req, res); };
  server.Get(".*", handle);  // HEAD too: the library answers it from the GET handler, without the body
  auto refuse = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("mlops ui is read-only: only GET and HEAD\n", "text/plain; charset=utf-8");
  };
  server.Post(".*", refuse);
  server.Put(".*", refuse);
  server.Patch(".*", refuse);
  server.Delete(".*", refuse);
  server.Options(".*", refuse);
  int port = opt->port;
  if (port == 0) port = server.bind_to_any_port(opt->host.c_str());
  else if (!server.bind_to_port(opt->host.c_str(), port)) port = -1;
  if (port <= 0) {
    *error = "cannot listen on " + opt->host + ":" + std::to_string(opt->port);
    return 1;
  }
  if (opt->listening) opt->listening(port);
  if (!server.listen_after_bind()) {
    *error = "the server stopped: cannot accept connections";
    return 1;
  }
  return 0;
}
