//! An in-memory Danube Cloud API on the test-server kit.
//!
//! It follows the real server where a client can see it: every path ends
//! with `/` (a path without it gets a 301 to the slashed URL), GET carries
//! no body, a body must be JSON, DELETE carries one, credentials are the
//! `ES-API-KEY` header or `Authorization: Token <t>` from a login (checked
//! in that order; failures are 403 with a `detail`), `/dc/<dc>` may prefix
//! any path, answers come in the `{status, result, task_id}` envelope with
//! the `es_*` headers, and create, update and delete answer 201 PENDING
//! with a task that `/task/<id>/status/` reports until it ends.
//!
//! A test scripts the rest: [`Fake::script_next`] answers the next
//! authenticated request with any status and body, [`Fake::expire_tokens`]
//! makes every issued token stale, [`Fake::task_polls_until_done`] sets
//! how many polls a task stays pending and [`Fake::end_next_task`] how it ends.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use sdkgen_testkit::{Recorded, Reply, Server, decode_form};
use serde_json::{Map, Value, json};

use crate::samples;

/// The API key the fake accepts (a test value, not a secret).
pub const API_KEY: &str = "fake-key-5c1d";
/// The user that can log in.
pub const USERNAME: &str = "admin";
/// That user's password (a test value).
pub const PASSWORD: &str = "fake-password-9e2";
/// The hostnames of the VMs a new fake holds; the first is not deployed.
pub const HOSTNAMES: [&str; 3] = ["web01.example.com", "db01.example.com", "mail01.example.com"];

/// How a task ends once its polls are used up.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskEnd {
    /// 200 SUCCESS with `{message, returncode: 0}`.
    Success,
    /// 400 FAILURE with this `result`.
    Failure(Value),
    /// 410 REVOKED.
    Revoked,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Action {
    Create,
    Update,
    Delete,
}

struct Task {
    id: String,
    hostname: String,
    action: Action,
    polls_left: usize,
    end: TaskEnd,
    ended: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Token {
    Live,
    Expired,
}

struct State {
    origin: String,
    vms: BTreeMap<String, Map<String, Value>>,
    tokens: BTreeMap<String, Token>,
    issued: usize,
    tasks: Vec<Task>,
    dummy_ids: usize,
    scripted: VecDeque<Reply>,
    polls: usize,
    ends: VecDeque<TaskEnd>,
    log: Vec<Value>,
    clock: u64,
}

/// The fake server; dropping it stops it.
pub struct Fake {
    server: Server,
    state: Arc<Mutex<State>>,
}

/// One request as the routes see it: method, path below `/api` without
/// the `/dc/<dc>` prefix, and its parameters (query for GET, body otherwise).
struct Call<'a> {
    method: &'a str,
    path: String,
    dc: Option<String>,
    params: Map<String, Value>,
}

/// What an authenticated request is made as.
struct Auth {
    token: Option<String>,
}

impl Fake {
    /// A fake with the three VMs of [`HOSTNAMES`], tasks that end after one
    /// pending poll, and no scripted replies.
    pub async fn start() -> Fake {
        let state = Arc::new(Mutex::new(State {
            origin: String::new(),
            vms: HOSTNAMES.iter().enumerate().map(|(i, h)| (h.to_string(), samples::vm(i + 3, h))).collect(),
            tokens: BTreeMap::new(),
            issued: 0,
            tasks: Vec::new(),
            dummy_ids: 0,
            scripted: VecDeque::new(),
            polls: 1,
            ends: VecDeque::new(),
            log: Vec::new(),
            clock: 0,
        }));
        let shared = state.clone();
        let server = Server::start(move |request| handle(&mut shared.lock().unwrap(), request)).await;
        state.lock().unwrap().origin = server.origin();
        Fake { server, state }
    }

    /// The API URL: `http://127.0.0.1:PORT/api`, without a trailing slash.
    pub fn url(&self) -> String {
        self.server.url("/api")
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// The requests received so far, which are then forgotten.
    pub fn take_requests(&self) -> Vec<Recorded> {
        self.server.take_requests()
    }

    /// Answers the next authenticated request (after the slash, body and
    /// credential checks) with `status` and the JSON `body`; a body with a
    /// `status` member is sent as a task response (`es_task_response`).
    pub fn script_next(&self, status: u16, body: Value) {
        let task = body.get("status").is_some() && body.get("task_id").is_some();
        let id = body.get("task_id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut reply = with_headers(Reply::json(status, body.to_string()), &id);
        if task {
            reply = reply.header("es_task_response", "true");
        }
        self.state.lock().unwrap().scripted.push_back(reply);
    }

    /// Answers the next authenticated request with this reply as it is.
    pub fn script_reply(&self, reply: Reply) {
        self.state.lock().unwrap().scripted.push_back(reply);
    }

    /// Makes every token issued so far stale: it is then treated as no
    /// credentials at all, as the real server treats an expired token.
    pub fn expire_tokens(&self) {
        self.state.lock().unwrap().tokens.values_mut().for_each(|t| *t = Token::Expired);
    }

    /// How many `/status/` polls of a new task answer 201 before it ends (1
    /// unless set).
    pub fn task_polls_until_done(&self, polls: usize) {
        self.state.lock().unwrap().polls = polls;
    }

    /// How the next task created ends (later ones end in SUCCESS unless
    /// set too).
    pub fn end_next_task(&self, end: TaskEnd) {
        self.state.lock().unwrap().ends.push_back(end);
    }

    /// Adds (or replaces) a VM; `vm` is its JSON object, which may hold any
    /// members and values, and must have a string `hostname`.
    pub fn add_vm(&self, vm: Value) {
        let Value::Object(map) = vm else { panic!("a VM is a JSON object") };
        let hostname = map.get("hostname").and_then(Value::as_str).expect("a VM has a hostname").to_owned();
        self.state.lock().unwrap().vms.insert(hostname, map);
    }

    /// A VM as stored now (every member, extended ones included).
    pub fn vm(&self, hostname: &str) -> Option<Value> {
        self.state.lock().unwrap().vms.get(hostname).cloned().map(Value::Object)
    }

    /// Adds `count` finished entries to the task log.
    pub fn add_log_entries(&self, count: usize) {
        let mut state = self.state.lock().unwrap();
        for i in 0..count {
            let id = dummy_id(&mut state);
            let time = tick(&mut state);
            let host = HOSTNAMES[i % HOSTNAMES.len()];
            let status = if i % 10 == 9 { "FAILURE" } else { "SUCCESS" };
            state.log.push(samples::log_entry(&time, &id, status, "Update VM", "", host, 3));
        }
    }

    /// The ids of the tasks that have not ended.
    pub fn pending_tasks(&self) -> Vec<String> {
        self.state.lock().unwrap().tasks.iter().filter(|t| !t.ended).map(|t| t.id.clone()).collect()
    }

    /// How many logins succeeded.
    pub fn logins(&self) -> usize {
        self.state.lock().unwrap().issued
    }
}

// ----- the request pipeline -----

fn handle(state: &mut State, request: &Recorded) -> Reply {
    match route(state, request) {
        Ok(reply) | Err(reply) => reply,
    }
}

/// The checks every request goes through, then the routes.
fn route(state: &mut State, request: &Recorded) -> Result<Reply, Reply> {
    let Some(below) = request.path.strip_prefix("/api/").map(|p| format!("/{p}")) else {
        return Err(detail(404, "Not found."));
    };
    if !request.path.ends_with('/') {
        return Err(redirect(state, request));
    }
    let (dc, path) = split_dc(&below);
    let params = params(request)?;
    let call = Call { method: &request.method, path, dc, params };
    match (call.method, call.path.as_str()) {
        ("GET", "/ping/") => return Ok(Reply::json(200, "\"pong\"")),
        ("POST", "/accounts/login/") => return Ok(login(state, &call)),
        (_, "/accounts/login/") => return Err(not_allowed(call.method)),
        _ => {}
    }
    let auth = authenticate(state, request)?;
    if let Some(reply) = state.scripted.pop_front() {
        return Ok(reply);
    }
    dispatch(state, &call, &auth)
}

fn dispatch(state: &mut State, call: &Call, auth: &Auth) -> Result<Reply, Reply> {
    let segments: Vec<&str> = call.path.trim_matches('/').split('/').collect();
    match (call.method, segments.as_slice()) {
        ("GET", ["accounts", "logout"]) => Ok(logout(state, auth)),
        ("GET", ["vm"]) => vm_list(state, call),
        (_, ["vm"]) => Err(not_allowed(call.method)),
        ("GET", ["vm", name]) => vm_get(state, call, name),
        ("POST", ["vm", name]) => vm_task(state, call, name, Action::Create),
        ("PUT", ["vm", name]) => vm_task(state, call, name, Action::Update),
        ("DELETE", ["vm", name]) => vm_task(state, call, name, Action::Delete),
        ("GET", ["task"]) => Ok(raw(200, json!(pending_ids(state)))),
        ("GET", ["task", "log"]) => task_log(state, call),
        ("GET", ["task", id, "status" | "state"]) => task_status(state, id),
        ("GET", ["task", id, "done"]) => task_done(state, id),
        ("PUT", ["task", id, "cancel"]) => task_cancel(state, id),
        (_, ["accounts", "logout"] | ["vm", _] | ["task", ..]) => Err(not_allowed(call.method)),
        _ => Err(detail(404, "Not found.")),
    }
}

/// The answer to a path without its trailing slash: 301 to the slashed URL.
fn redirect(state: &State, request: &Recorded) -> Reply {
    let query = request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
    let location = format!("{}{}/{query}", state.origin, request.path);
    Reply::empty(301).header("Location", &location)
}

/// Splits an optional `/dc/<dc>` prefix off a path.
fn split_dc(path: &str) -> (Option<String>, String) {
    let Some(rest) = path.strip_prefix("/dc/") else { return (None, path.to_owned()) };
    match rest.split_once('/') {
        Some((dc, tail)) if !dc.is_empty() => (Some(dc.to_owned()), format!("/{tail}")),
        _ => (None, path.to_owned()),
    }
}

/// The request's parameters: the query of a GET (which must have no body),
/// the JSON object body of anything else (which DELETE must have).
fn params(request: &Recorded) -> Result<Map<String, Value>, Reply> {
    if request.method == "GET" {
        if !request.body.is_empty() {
            return Err(detail(400, "fake server: a GET request must not have a body."));
        }
        let query = request.query.as_deref().unwrap_or_default();
        return Ok(decode_form(query).into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    }
    if request.body.is_empty() {
        if request.method == "DELETE" {
            return Err(detail(400, "fake server: a DELETE request must have a JSON body."));
        }
        return Ok(Map::new());
    }
    let content_type = request.header("content-type").unwrap_or_default();
    if !media_type(content_type).eq_ignore_ascii_case("application/json") {
        return Err(detail(415, &format!("Unsupported media type \"{content_type}\" in request.")));
    }
    match serde_json::from_slice(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(detail(400, "fake server: the JSON body is not an object.")),
        Err(e) => Err(detail(400, &format!("JSON parse error - {e}"))),
    }
}

fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

/// `ES-API-KEY` first, then `Authorization: Token`.
fn authenticate(state: &State, request: &Recorded) -> Result<Auth, Reply> {
    if let Some(key) = request.header("es-api-key") {
        return if key == API_KEY { Ok(Auth { token: None }) } else { Err(detail(403, "Invalid API key")) };
    }
    let Some(token) = request.header("authorization").and_then(|v| v.strip_prefix("Token ")) else {
        return Err(detail(403, "Authentication credentials were not provided."));
    };
    match state.tokens.get(token) {
        Some(Token::Live) => Ok(Auth { token: Some(token.to_owned()) }),
        Some(Token::Expired) => Err(detail(403, "Authentication credentials were not provided.")),
        None => Err(detail(403, "Invalid token.")),
    }
}

// ----- accounts -----

fn login(state: &mut State, call: &Call) -> Reply {
    let field = |name: &str| call.params.get(name).and_then(Value::as_str);
    let (Some(user), Some(password)) = (field("username"), field("password")) else {
        let missing: Map<String, Value> = ["username", "password"]
            .iter()
            .filter(|n| field(n).is_none())
            .map(|n| (n.to_string(), json!(["This field is required."])))
            .collect();
        return raw(400, json!({"detail": missing}));
    };
    if user != USERNAME || password != PASSWORD {
        return detail(400, "Unable to log in with provided credentials.");
    }
    // Logging in again replaces the user's token.
    state.tokens.clear();
    state.issued += 1;
    let token = format!("{:040x}", 0x7e57_0000_u64 + state.issued as u64);
    state.tokens.insert(token.clone(), Token::Live);
    raw(
        200,
        json!({"token": token, "expires": "2024-05-01T11:00:00.000000+00:00", "detail": "Welcome to Danube Cloud API."}),
    )
}

fn logout(state: &mut State, auth: &Auth) -> Reply {
    if let Some(token) = &auth.token {
        state.tokens.remove(token);
    }
    detail(200, "Bye.")
}

// ----- VMs -----

fn vm_list(state: &mut State, call: &Call) -> Result<Reply, Reply> {
    let full = flag(&call.params, "full")?;
    let extended = flag(&call.params, "extended")?;
    flag(&call.params, "active")?;
    let descending = order(&call.params)?;
    let mut vms: Vec<&Map<String, Value>> = state.vms.values().collect();
    if descending {
        vms.reverse();
    }
    let result: Vec<Value> = vms
        .into_iter()
        .map(|vm| match (extended, full) {
            (true, _) => Value::Object(vm.clone()),
            (false, true) => samples::full(vm),
            (false, false) => vm["hostname"].clone(),
        })
        .collect();
    let id = dummy_id(state);
    Ok(envelope(200, "SUCCESS", json!(result), &id, call.dc.as_deref()))
}

/// Whether `order_by` asks for descending hostnames; only `hostname` sorts.
fn order(params: &Map<String, Value>) -> Result<bool, Reply> {
    let Some(value) = params.get("order_by") else { return Ok(false) };
    let text = value.as_str().unwrap_or_default();
    let mut descending = false;
    for field in text.split(',') {
        match field.trim() {
            "hostname" | "+hostname" => descending = false,
            "-hostname" => descending = true,
            other => return Err(detail(412, &format!("Invalid order_by field \"{other}\"."))),
        }
    }
    Ok(descending)
}

fn vm_get(state: &mut State, call: &Call, name: &str) -> Result<Reply, Reply> {
    let extended = flag(&call.params, "extended")?;
    flag(&call.params, "active")?;
    let vm = find_vm(state, name)?;
    let shown = if extended { Value::Object(vm.clone()) } else { samples::full(vm) };
    let id = dummy_id(state);
    Ok(envelope(200, "SUCCESS", shown, &id, call.dc.as_deref()))
}

fn find_vm<'a>(state: &'a State, name: &str) -> Result<&'a Map<String, Value>, Reply> {
    let by_uuid = |vm: &&Map<String, Value>| vm.get("uuid").and_then(Value::as_str) == Some(name);
    state.vms.get(name).or_else(|| state.vms.values().find(by_uuid)).ok_or_else(|| detail(404, "VM not found"))
}

/// POST (deploy), PUT (update) or DELETE of a VM: checks, then a pending task.
fn vm_task(state: &mut State, call: &Call, name: &str, action: Action) -> Result<Reply, Reply> {
    let hostname = find_vm(state, name)?["hostname"].as_str().unwrap_or(name).to_owned();
    let errors = validate(&call.params, action);
    if !errors.is_empty() {
        let id = dummy_id(state);
        return Ok(
            envelope(400, "FAILURE", Value::Object(errors), &id, call.dc.as_deref()).header("es_task_response", "true")
        );
    }
    if action == Action::Create && flag(&call.params, "recreate")? && !flag(&call.params, "force")? {
        return Err(detail(417, "Are you sure?"));
    }
    let id = format!("1e1d1-{:08x}-fc64-4e1c-9a7f", 0x6f75_0000 + state.tasks.len());
    let end = state.ends.pop_front().unwrap_or(TaskEnd::Success);
    let polls_left = state.polls;
    let time = tick(state);
    state.log.push(samples::log_entry(&time, &id, "PENDING", action.message(), "", &hostname, action.flag()));
    state.tasks.push(Task { id: id.clone(), hostname, action, polls_left, end, ended: false });
    let reply = envelope(201, "PENDING", Value::Null, &id, call.dc.as_deref());
    Ok(reply.header("es_task_response", "true"))
}

/// The `{field: [message]}` errors of a VM request's body.
fn validate(params: &Map<String, Value>, action: Action) -> Map<String, Value> {
    let mut errors = Map::new();
    let names: &[&str] = match action {
        Action::Create => &["recreate", "force"],
        Action::Update => &["force"],
        Action::Delete => &[],
    };
    for name in names {
        if flag(params, name).is_err() {
            errors.insert(name.to_string(), json!(["Enter a valid boolean."]));
        }
    }
    if action == Action::Create {
        for name in ["cb_url", "cb_method"] {
            if params.get(name).is_some_and(|v| !v.is_string()) {
                errors.insert(name.into(), json!(["Enter a valid value."]));
            }
        }
    }
    errors
}

impl Action {
    fn message(self) -> &'static str {
        match self {
            Action::Create => "Create VM",
            Action::Update => "Update VM",
            Action::Delete => "Delete VM",
        }
    }

    fn flag(self) -> u8 {
        match self {
            Action::Create => 1,
            Action::Delete => 2,
            Action::Update => 3,
        }
    }
}

/// A boolean parameter read as leniently as the server does; absent is false.
fn flag(params: &Map<String, Value>, name: &str) -> Result<bool, Reply> {
    let invalid = || detail(400, &format!("fake server: {name} is not a boolean."));
    match params.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(invalid()),
        },
        Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(invalid()),
        },
        Some(_) => Err(invalid()),
    }
}

// ----- tasks -----

fn pending_ids(state: &State) -> Vec<String> {
    state.tasks.iter().filter(|t| !t.ended).map(|t| t.id.clone()).collect()
}

fn find_task(state: &mut State, id: &str) -> Result<usize, Reply> {
    state.tasks.iter().position(|t| t.id == id).ok_or_else(|| detail(404, "Task does not exist (anymore)"))
}

/// One poll: 201 PENDING while polls are left, then the end (applied once).
fn task_status(state: &mut State, id: &str) -> Result<Reply, Reply> {
    let index = find_task(state, id)?;
    let task = &mut state.tasks[index];
    if !task.ended && task.polls_left > 0 {
        task.polls_left -= 1;
        return Ok(status_reply(201, json!({"task_id": id, "status": "PENDING", "result": null})));
    }
    if !task.ended {
        finish(state, index);
    }
    Ok(ended_reply(&state.tasks[index]))
}

/// Ends a task: its effect on the VM (on success) and a log entry.
fn finish(state: &mut State, index: usize) {
    state.tasks[index].ended = true;
    let (hostname, action, end, id) = {
        let t = &state.tasks[index];
        (t.hostname.clone(), t.action, t.end.clone(), t.id.clone())
    };
    if end == TaskEnd::Success {
        apply(state, &hostname, action);
    }
    let status = match end {
        TaskEnd::Success => "SUCCESS",
        TaskEnd::Failure(_) => "FAILURE",
        TaskEnd::Revoked => "REVOKED",
    };
    let time = tick(state);
    state.log.push(samples::log_entry(&time, &id, status, action.message(), "", &hostname, action.flag()));
}

fn apply(state: &mut State, hostname: &str, action: Action) {
    match action {
        Action::Delete => {
            state.vms.remove(hostname);
        }
        Action::Create => {
            if let Some(vm) = state.vms.get_mut(hostname) {
                vm.insert("status".into(), json!("running"));
            }
        }
        Action::Update => {}
    }
}

fn ended_reply(task: &Task) -> Reply {
    let (code, status, result) = match &task.end {
        TaskEnd::Success => (200, "SUCCESS", samples::task_result(&success_message(task), 0)),
        TaskEnd::Failure(result) => (400, "FAILURE", result.clone()),
        TaskEnd::Revoked => (410, "REVOKED", json!({"detail": "Task was revoked"})),
    };
    status_reply(code, json!({"task_id": task.id, "status": status, "result": result}))
}

fn success_message(task: &Task) -> String {
    let verb = match task.action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Delete => "deleted",
    };
    format!("Successfully {verb} VM {}", task.hostname)
}

/// A `/task/<id>/status/` reply: a task response without `es_task_id`.
fn status_reply(code: u16, body: Value) -> Reply {
    Reply::json(code, body.to_string()).header("es_version", "4.0-fake").header("es_task_response", "true")
}

fn task_done(state: &mut State, id: &str) -> Result<Reply, Reply> {
    let index = find_task(state, id)?;
    let task = &state.tasks[index];
    let code = match (&task.end, task.ended) {
        (_, false) => 201,
        (TaskEnd::Success, true) => 200,
        (TaskEnd::Failure(_), true) => 400,
        (TaskEnd::Revoked, true) => 410,
    };
    let done = task.ended && task.end == TaskEnd::Success;
    Ok(raw(code, json!({"task_id": id, "done": done})))
}

fn task_cancel(state: &mut State, id: &str) -> Result<Reply, Reply> {
    let index = state.tasks.iter().position(|t| t.id == id && !t.ended);
    let Some(index) = index else { return Err(detail(406, "Task cannot be canceled")) };
    state.tasks[index].end = TaskEnd::Revoked;
    finish(state, index);
    Ok(ended_reply(&state.tasks[index]))
}

/// `/task/log/`: with `page`, 100 entries a page, newest first; without,
/// the last 10.
fn task_log(state: &mut State, call: &Call) -> Result<Reply, Reply> {
    let text = |name: &str| call.params.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
    let Some(page) = text("page") else {
        let last: Vec<Value> = state.log.iter().rev().take(10).cloned().collect();
        return Ok(raw(200, json!({"results": last})));
    };
    if text("object_name").is_some() && text("object_type").is_none() {
        let message = "object_type attribute is required when filtering by object_name.";
        return Err(raw(400, json!({"object_type": [message]})));
    }
    let matches = |entry: &&Value| {
        ["status", "object_type", "object_name"]
            .iter()
            .all(|name| text(name).is_none_or(|want| entry[*name].as_str().is_some_and(|v| v.contains(want))))
    };
    let entries: Vec<&Value> = state.log.iter().rev().filter(matches).collect();
    let pages = entries.len().div_ceil(100).max(1);
    let page: usize =
        page.parse().ok().filter(|p| (1..=pages).contains(p)).ok_or_else(|| detail(404, "Invalid page."))?;
    let results: Vec<Value> = entries.iter().skip((page - 1) * 100).take(100).map(|e| (*e).clone()).collect();
    let link = |p: usize| json!(page_link(state, call, p));
    let next = if page < pages { link(page + 1) } else { Value::Null };
    let previous = if page > 2 { link(page - 1) } else { Value::Null };
    Ok(raw(200, json!({"count": entries.len(), "next": next, "previous": previous, "results": results})))
}

/// The absolute URL of another page of the same log query.
fn page_link(state: &State, call: &Call, page: usize) -> String {
    let mut query: Vec<(String, String)> = call
        .params
        .iter()
        .filter(|(k, _)| k.as_str() != "page")
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    query.push(("page".into(), page.to_string()));
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let prefix = call.dc.as_deref().map(|dc| format!("/dc/{dc}")).unwrap_or_default();
    format!("{}/api{prefix}{}?{}", state.origin, call.path, query.join("&"))
}

// ----- replies -----

fn dummy_id(state: &mut State) -> String {
    state.dummy_ids += 1;
    format!("1d1d1-{:08x}-a0b1-4c2d-8e3f", state.dummy_ids)
}

fn tick(state: &mut State) -> String {
    state.clock += 1;
    samples::time(state.clock)
}

/// The `es_*` headers of an API reply.
fn with_headers(reply: Reply, task_id: &str) -> Reply {
    reply.header("es_version", "4.0-fake").header("es_username", USERNAME).header("es_task_id", task_id)
}

/// An enveloped reply `{status, result, task_id}`.
fn envelope(code: u16, status: &str, result: Value, task_id: &str, dc: Option<&str>) -> Reply {
    let body = json!({"status": status, "result": result, "task_id": task_id});
    with_headers(Reply::json(code, body.to_string()), task_id).header("es_dc", dc.unwrap_or("main"))
}

/// A reply whose body is the JSON value itself (no envelope).
fn raw(code: u16, body: Value) -> Reply {
    Reply::json(code, body.to_string()).header("es_version", "4.0-fake")
}

/// `{"detail": message}`.
fn detail(code: u16, message: &str) -> Reply {
    raw(code, json!({"detail": message}))
}

fn not_allowed(method: &str) -> Reply {
    detail(405, &format!("Method \"{method}\" not allowed."))
}
