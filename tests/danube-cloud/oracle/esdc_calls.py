"""Makes a list of Danube Cloud API calls with the esdc-api client (the peer).

Usage: esdc_calls.py API_URL API_KEY < calls.json

calls.json is a JSON array of objects:
  name      tag of the call, sent as the X-Oracle-Call header
  method    GET, POST, PUT, DELETE, or LOGOUT (the client's own logout)
  resource  path below the API URL, with a leading slash
  params    the call's parameters (query for GET, JSON body otherwise)
  login     optional {"username", "password"}: the client logs in first

An empty API_KEY means no key. For each call one JSON line is printed:
{"name", "status", "result", "task_status", "task_id"} on success, or
{"name", "status", "error": {"class", "detail", "task_status", "task_id"}}.
"""

import json
import sys

from esdc_api import Client
from esdc_api.exceptions import ESAPIError


def report(name, response):
    """What the peer tells a user about one response."""
    try:
        content = response.content
    except ESAPIError as error:
        return {
            "name": name,
            "status": response.status_code,
            "error": {
                "class": type(error).__name__,
                "detail": error.detail,
                "task_status": error.task_status,
                "task_id": error.task_id,
            },
        }
    return {
        "name": name,
        "status": response.status_code,
        "result": content.result,
        "task_status": content.task_status,
        "task_id": content.task_id,
    }


def make_call(client, call):
    """One call through the client's public entry points."""
    name = call["name"]
    client.headers["X-Oracle-Call"] = name
    login = call.get("login")
    if login:
        client.login(login["username"], login["password"])
    method = call["method"].upper()
    if method == "LOGOUT":
        return client.logout()
    entry = {"GET": client.get, "POST": client.post, "PUT": client.put, "DELETE": client.delete}[method]
    return entry(call["resource"], **call.get("params", {}))


def main():
    api_url, api_key = sys.argv[1], sys.argv[2]
    client = Client(api_url, api_key=api_key or None)
    for call in json.load(sys.stdin):
        print(json.dumps(report(call["name"], make_call(client, call))), flush=True)


if __name__ == "__main__":
    main()
