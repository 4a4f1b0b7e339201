"""A STUB inference server for ONE test only: the remote planner's handling of a reply that is
not a valid plan. A real server (llama.cpp) cannot be made to return garbage on demand, so this
one answers OpenAI-style chat completions with the replies it is given, in order, one per
request; every other remote-planner test uses a real llama-cpp-python server.

    python3 invalid_plan_server.py REQUEST_LOG REPLY...

Listens on 127.0.0.1 only, on a free port it prints (then a newline) on stdout. A REPLY is the
completion text, or `http500:` (an error status whose body echoes the request's Authorization
header, as a careless server might), or `notjson:` (a body that is not JSON). Each request's
Authorization header is appended to REQUEST_LOG (so the test sees the key was sent), with
whether a `grammar` was given. Stops after the replies are used up or 120 s.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

log_path, replies = sys.argv[1], list(sys.argv[2:])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        auth = self.headers.get("Authorization", "")
        with open(log_path, "a") as log:
            log.write(json.dumps({"path": self.path, "authorization": auth,
                                  "grammar": "grammar" in body}) + "\n")
        reply = replies.pop(0) if replies else "notjson:"
        if reply == "http500:":
            self.answer(500, ("internal error handling request with " + auth).encode())
        elif reply == "notjson:":
            self.answer(200, b"<html>surprise</html>")
        else:
            completion = {"object": "chat.completion", "choices": [
                {"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": reply}}]}
            self.answer(200, json.dumps(completion).encode())
        if not replies:
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
deadline = threading.Timer(120, lambda: threading.Thread(target=server.shutdown, daemon=True).start())
deadline.daemon = True
deadline.start()
server.serve_forever()
