//! What generated services and their request builders are built on.
//!
//! A generated service is a [`ServiceContext`]: a connection and the path
//! of the service below the API root. Each method of a service returns a
//! small generated request builder that wraps a [`Call`]: the typed setters
//! of the builder turn their values into query parameters (or into members
//! of the action document) and `send()` hands the call to one of the
//! functions here, one per kind of method. All HTTP behaviour (which method,
//! which status codes mean success, how faults are reported) lives in this
//! module, so the generated code stays thin and non-generic.
//!
//! | kind | HTTP | path | body | success |
//! | --- | --- | --- | --- | --- |
//! | get, list | `GET` | the service | none | 200 |
//! | add | `POST` | the (collection) service | the object | 200, 201, 202 |
//! | update | `PUT` | the service | the object | 200 |
//! | remove | `DELETE` | the service | none | 200 |
//! | action | `POST` | the service + `/<action>` | an `<action>` | 200, 201, 202, and no `<fault>` in the reply |

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::IdSource;
use crate::connection::path::{decode_segment as decode, encode_id, path_with_query};
use crate::connection::{Connection, Error, ErrorKind, ItemStream, Method, Request, Response};
use crate::wait::{Progress, Wait};
use crate::xml::XmlType;

/// A service: the connection it uses and its path below the API root
/// (`""` for the root, `"vms/123/nics"` for the NICs of a VM).
#[derive(Clone)]
pub struct ServiceContext {
    connection: Connection,
    path: String,
    /// Why the service can't be used (a locator was given no id): every
    /// request of it fails with an error saying so, before anything is sent.
    unusable: Option<Arc<str>>,
}

impl ServiceContext {
    /// The root service of `connection`.
    pub fn root(connection: &Connection) -> ServiceContext {
        ServiceContext { connection: connection.clone(), path: String::new(), unusable: None }
    }

    /// The service at `path` (relative to the API root, no leading `/`, in
    /// URL form: `vms/a%2Fb` is the VM whose id is `a/b`).
    pub fn at(connection: &Connection, path: impl Into<String>) -> ServiceContext {
        ServiceContext { connection: connection.clone(), path: path.into(), unusable: None }
    }

    /// The service one segment below this one: a fixed segment (`nics`)
    /// or the id of an object. The segment is percent-encoded so that it
    /// stays exactly one segment: `a/b` becomes `a%2Fb`, and `%`, `?`, `#`,
    /// spaces and non-ASCII characters are escaped too.
    pub fn child(&self, segment: &str) -> ServiceContext {
        let segment = encode_id(segment);
        let path = if self.path.is_empty() { segment } else { format!("{}/{segment}", self.path) };
        ServiceContext { connection: self.connection.clone(), path, unusable: self.unusable.clone() }
    }

    /// The service of one object below this one, reached by `locator` (such
    /// as `VmsService::vm_service`) with the id `id` gives. A missing or
    /// empty id makes a service whose every request fails at once with an
    /// error naming the locator, instead of a request to a wrong path.
    pub fn child_id(&self, id: impl IdSource, locator: &str) -> ServiceContext {
        match id.object_id() {
            Ok(id) => self.child(id),
            Err(why) => {
                let message = format!("{locator} was given {why}, so the service it returned can't send requests.");
                let mut child = self.child("");
                child.unusable.get_or_insert_with(|| Arc::from(message));
                child
            }
        }
    }

    /// The path of the service below the API root, in URL form.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The connection the service uses.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// A wait that fetches this service's object (`GET`) until `check`
    /// says it is done; `what` completes "waiting for the {type} at {path} …"
    /// in messages (such as `to have status up`).
    pub fn wait_for<T: XmlType + Send + 'static>(
        &self,
        what: &str,
        check: impl Fn(&T) -> Progress + Send + Sync + 'static,
    ) -> Wait<T> {
        let service = self.clone();
        let what = format!("the {} at '{}' {what}", crate::short_type_name::<T>(), self.path);
        Wait::new(what, move || service.call().fetch::<T>(), check)
    }

    /// A wait that fetches this service's object until `done` is true of it.
    pub fn wait_until<T: XmlType + Send + 'static>(
        &self,
        done: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) -> Wait<T> {
        self.wait_for("to meet the condition", move |value| {
            if done(value) { Progress::Done } else { Progress::Pending("not meeting it".to_owned()) }
        })
    }

    /// Starts a request to this service.
    pub fn call(&self) -> Call {
        Call {
            connection: self.connection.clone(),
            unusable: self.unusable.clone(),
            path: self.path.clone(),
            params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            timeout: None,
        }
    }
}

impl fmt::Debug for ServiceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceContext").field("path", &self.path).finish()
    }
}

/// One request being built by a generated request builder.
///
/// Named parameters (set by the typed setters) win over extra query
/// parameters of the same name (set by `query(name, value)`), as in the
/// official SDKs.
#[derive(Clone)]
pub struct Call {
    connection: Connection,
    unusable: Option<Arc<str>>,
    path: String,
    params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
}

impl Call {
    /// Sets the query parameter `name` of the method (replacing an earlier
    /// value).
    pub fn param(&mut self, name: &'static str, value: String) {
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
    }

    /// Sets the query parameter `name` of the method to `value`, or leaves
    /// it out when `value` is `None` (removing an earlier value).
    pub fn set_param(&mut self, name: &'static str, value: Option<String>) {
        match value {
            Some(value) => self.param(name, value),
            None => self.params.retain(|(n, _)| *n != name),
        }
    }

    /// Adds an extra query parameter, sent as given.
    pub fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    /// Adds a header for this request (replacing the connection's header of
    /// the same name).
    pub fn header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    /// Sets the time allowed for this request, replacing the connection's
    /// timeout (zero means no limit).
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    fn into_request(
        self,
        method: Method,
        action: Option<&str>,
        body: Option<String>,
    ) -> Result<(Connection, Request), Error> {
        if let Some(why) = &self.unusable {
            return Err(Error::new(ErrorKind::InvalidInput, why.to_string()));
        }
        let path = match action {
            Some(action) if self.path.is_empty() => action.to_owned(),
            Some(action) => format!("{}/{action}", self.path),
            None => self.path,
        };
        let query = merge_query(self.query, self.params);
        let request = Request { method, path, query, headers: self.headers, body, timeout: self.timeout };
        Ok((self.connection, request))
    }

    /// Sends a `get` or `list`: `GET`, success 200. The reply is read by
    /// the caller.
    pub async fn get(self) -> Result<Response, Error> {
        let (connection, request) = self.into_request(Method::Get, None, None)?;
        connection.execute(request, &[200]).await
    }

    /// Sends a `list` whose items are read from the body as it arrives.
    pub fn stream<T: XmlType + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<ItemStream<T>, Error>> + Send + use<T> {
        let prepared = self.into_request(Method::Get, None, None);
        async move {
            let (connection, request) = prepared?;
            connection.stream_list(request).await
        }
    }

    /// Sends an `add`: `POST` of `body` (the object's document), success
    /// 200, 201 or 202.
    pub async fn add(self, body: Result<String, crate::xml::XmlError>) -> Result<Response, Error> {
        let body = body.map_err(invalid_body)?;
        let (connection, request) = self.into_request(Method::Post, None, Some(body))?;
        connection.execute(request, &[200, 201, 202]).await
    }

    /// Sends an `update`: `PUT` of `body`, success 200.
    pub async fn update(self, body: Result<String, crate::xml::XmlError>) -> Result<Response, Error> {
        let body = body.map_err(invalid_body)?;
        let (connection, request) = self.into_request(Method::Put, None, Some(body))?;
        connection.execute(request, &[200]).await
    }

    /// Sends a `remove`: `DELETE`, success 200; the body of the reply is
    /// ignored. A few removes say what to remove in a body (the bricks
    /// of a Gluster volume): `body` is that document.
    pub async fn remove(self, body: Option<Result<String, crate::xml::XmlError>>) -> Result<(), Error> {
        let body = body.transpose().map_err(invalid_body)?;
        let (connection, request) = self.into_request(Method::Delete, None, body)?;
        connection.execute(request, &[200]).await.map(|_| ())
    }

    /// Sends an action: `POST` of the `<action>` document `body` to the
    /// service path plus `/<action>`; success 200, 201 or 202 with no
    /// `<fault>` in the reply, whose `<action>` the caller reads for output
    /// parameters.
    pub async fn action(
        self,
        action: &'static str,
        body: Result<String, crate::xml::XmlError>,
    ) -> Result<Response, Error> {
        let body = body.map_err(invalid_body)?;
        let (connection, request) = self.into_request(Method::Post, Some(action), Some(body))?;
        connection.execute_action(request).await
    }
}

/// What a request builder's call lets [`RequestOptions`] change: the
/// oVirt [`Call`] and the JSON [`JsonCall`](crate::json::JsonCall) both do.
pub trait CallSettings {
    /// Adds a query parameter.
    fn add_query(&mut self, name: String, value: String);
    /// Adds a header, replacing one of the same name set on the client.
    fn add_header(&mut self, name: String, value: String);
    /// Sets the time allowed for the request (zero: no limit).
    fn set_timeout(&mut self, timeout: Duration);
}

impl CallSettings for Call {
    fn add_query(&mut self, name: String, value: String) {
        self.query(name, value);
    }

    fn add_header(&mut self, name: String, value: String) {
        self.header(name, value);
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout(timeout);
    }
}

/// What every generated request builder can set besides its own
/// parameters: extra query parameters, headers and a timeout. Generated
/// crates put it in their prelude.
pub trait RequestOptions: Sized {
    /// The kind of call the builder wraps.
    type Call: CallSettings;

    /// The call the builder wraps (what the other methods change).
    fn call_mut(&mut self) -> &mut Self::Call;

    /// Adds a query parameter that has no setter of its own (sent as given;
    /// a parameter set by its setter wins over one of the same name here).
    fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call_mut().add_query(name.into(), value.into());
        self
    }

    /// Adds a header to this request, replacing a header of the same name
    /// set on the connection.
    fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call_mut().add_header(name.into(), value.into());
        self
    }

    /// Sets the time allowed for this request, replacing the connection's
    /// timeout (zero means no limit).
    fn timeout(mut self, timeout: Duration) -> Self {
        self.call_mut().set_timeout(timeout);
        self
    }
}

/// The typed forms generated `send()` methods return: one instance per
/// result type, not one per method, which keeps the generated crate quick
/// to compile. Each future is declared `Send` and holds no value of its
/// type parameters across an `.await`, so a user crate never has to prove
/// `Send` by walking a (deeply nested) generated type. (They are written as
/// functions returning `async` blocks, not as `async fn`, for the `+ Send`
/// and `use<T>` that an `async fn` can't declare.)
#[allow(clippy::manual_async_fn)]
impl Call {
    /// A `get`, its reply read as a `T`.
    pub fn fetch<T: XmlType>(self) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        async move { self.get().await?.read() }
    }

    /// A `list`, its reply read as a collection of `T` (a large reply as
    /// it arrives: see [`Connection::fetch_list`]).
    pub fn fetch_list<T: XmlType + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<Vec<T>, Error>> + Send + use<T> {
        let prepared = self.into_request(Method::Get, None, None);
        async move {
            let (connection, request) = prepared?;
            connection.fetch_list(request).await
        }
    }

    /// The first item of a `list` (`None` when the list is empty).
    pub fn fetch_first<T: XmlType + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<Option<T>, Error>> + Send + use<T> {
        async move { Ok(self.fetch_list::<T>().await?.into_iter().next()) }
    }

    /// The first item of a `list`; an empty list is a
    /// [`NotFound`](ErrorKind::NotFound) error that names the request.
    pub fn fetch_one<T: XmlType + Send + 'static>(self) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        let what = self.describe();
        let first = self.fetch_first::<T>();
        async move { first.await?.ok_or_else(|| nothing_matched(&what)) }
    }

    /// The request as it reads in messages: `GET vms?search=name%3Dweb`.
    fn describe(&self) -> String {
        format!("GET {}", path_with_query(&self.path, merge_query(self.query.clone(), self.params.clone())))
    }

    /// An `add`, its reply (the created object) read as a `T`.
    pub fn add_as<T: XmlType>(
        self,
        body: Result<String, crate::xml::XmlError>,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        async move { self.add(body).await?.read() }
    }

    /// An `add` of several objects at once, its reply read as a collection of `T`.
    pub fn add_list_as<T: XmlType>(
        self,
        body: Result<String, crate::xml::XmlError>,
    ) -> impl Future<Output = Result<Vec<T>, Error>> + Send + use<T> {
        async move { Ok(self.add(body).await?.read_list::<T>()?.into_vec()) }
    }

    /// An `update`, its reply read as a `T`.
    pub fn update_as<T: XmlType>(
        self,
        body: Result<String, crate::xml::XmlError>,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        async move { self.update(body).await?.read() }
    }

    /// An action without output: the reply is only checked for a fault.
    pub async fn action_done(
        self,
        action: &'static str,
        body: Result<String, crate::xml::XmlError>,
    ) -> Result<(), Error> {
        self.action(action, body).await.map(|_| ())
    }

    /// An action with output: the reply is read as an `A` (the action
    /// document) and `pick` takes the output out of it.
    pub fn action_output<A: XmlType, R>(
        self,
        action: &'static str,
        body: Result<String, crate::xml::XmlError>,
        pick: fn(A) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + use<A, R> {
        async move {
            let reply: A = self.action(action, body).await?.read()?;
            Ok(pick(reply))
        }
    }
}

impl Call {
    /// The pages of a `list`: the request sent again and again with the
    /// page number written into the parameter `param` (`format` says how:
    /// `{value}` is what the caller set it to, `{page}` the number, from
    /// `first`) and the page size in `size_param`.
    pub fn pages<T: XmlType>(
        self,
        param: &'static str,
        format: &'static str,
        size_param: Option<&'static str>,
        size: i64,
        first: i64,
    ) -> Pages<T> {
        let value = self.params.iter().find(|(n, _)| *n == param).map(|(_, v)| v.clone()).unwrap_or_default();
        Pages {
            call: self,
            param,
            format,
            value,
            size_param,
            size: size.max(1),
            next: first,
            done: false,
            item: PhantomData,
        }
    }
}

/// The pages of a `list`, one request each, made by the `pages(size)` of a
/// generated list request. [`next_page`](Self::next_page) returns the next
/// page's items, `None` after the last page: a page with fewer items than
/// the page size (or none) is the last.
pub struct Pages<T> {
    call: Call,
    param: &'static str,
    format: &'static str,
    value: String,
    size_param: Option<&'static str>,
    size: i64,
    next: i64,
    done: bool,
    item: PhantomData<fn() -> T>,
}

impl<T: XmlType + Send + 'static> Pages<T> {
    /// The items of the next page, or `None` when there are no more.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        if self.done {
            return Ok(None);
        }
        let mut call = self.call.clone();
        let page = self.format.replace("{value}", &self.value).replace("{page}", &self.next.to_string());
        call.param(self.param, page.trim().to_owned());
        if let Some(size_param) = self.size_param {
            call.param(size_param, self.size.to_string());
        }
        let items = call.fetch_list::<T>().await?;
        self.next += 1;
        if (items.len() as i64) < self.size || self.size_param.is_none() && items.is_empty() {
            self.done = true;
        }
        Ok(if items.is_empty() { None } else { Some(items) })
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").field("call", &self.call).field("next", &self.next).field("done", &self.done).finish()
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may hold user data: only names are shown.
        let params: Vec<&str> = self.params.iter().map(|(n, _)| *n).collect();
        let query: Vec<&str> = self.query.iter().map(|(n, _)| n.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Call")
            .field("path", &self.path)
            .field("params", &params)
            .field("query", &query)
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The error of `one()` when the list `what` names came back empty.
pub(crate) fn nothing_matched(what: &str) -> Error {
    Error::new(ErrorKind::NotFound, format!("Nothing matched: {what} returned an empty list."))
}

/// The query as it is sent: the extra parameters, less those a setter
/// also set, then the parameters of the setters.
fn merge_query(query: Vec<(String, String)>, params: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> =
        query.into_iter().filter(|(n, _)| !params.iter().any(|(p, _)| p == n)).collect();
    merged.extend(params.into_iter().map(|(n, v)| (n.to_owned(), v)));
    merged
}

/// A body that cannot be written (text XML cannot carry) is the caller's error.
fn invalid_body(e: crate::xml::XmlError) -> Error {
    Error::new(ErrorKind::InvalidInput, format!("The request body can't be written: {e}."))
}

/// The `href` of an object the server sent; an object without one (built
/// locally) is an error of kind `InvalidInput`.
pub fn href_of(object: &impl crate::Identity) -> Result<&str, Error> {
    object.href().filter(|h| !h.is_empty()).ok_or_else(|| {
        Error::new(ErrorKind::InvalidInput, "The object has no href: it was built locally, not read from the server.")
    })
}

/// The text of one segment of a path in URL form, its `%XX` escapes
/// decoded: what [`ServiceContext::child`] was given for it. Generated code
/// uses it to resolve a path (`vms/a%2Fb`) to a service (`vm_service("a/b")`).
pub fn decode_segment(segment: &str) -> String {
    decode(segment)
}

/// Renders a boolean query parameter as the API expects it.
pub fn render_bool(value: bool) -> String {
    if value { "true".to_owned() } else { "false".to_owned() }
}

/// Renders an integer query parameter.
pub fn render_integer(value: i64) -> String {
    value.to_string()
}
