//! [`Connection::follow`]: one way to fetch what a link points at, for a
//! linked object, a linked list, and the `Option`s of either.

use std::future::Future;
use std::pin::Pin;

use super::{Connection, Error, ErrorKind, Response};
use crate::xml::XmlType;
use crate::{Identity, List};

/// What [`Connection::follow`] can follow: a linked object (`&cluster`,
/// `vm.cluster()`, `&vm.cluster`) or a linked list (`&vm.nics`), each also
/// when it may be absent. Implemented here for every generated type.
pub trait Followable {
    /// What following gives: the object, or the items of the list.
    type Output;

    /// The `href` to fetch, or why there is none.
    fn href(&self) -> Result<&str, Error>;

    /// Reads the reply of the `GET` of the `href`.
    fn read(reply: &Response) -> Result<Self::Output, Error>;
}

fn absent<T>(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "There is no {what}{} to follow: the link is absent (the server did not send it, or the object was \
             built locally).",
            crate::short_type_name::<T>()
        ),
    )
}

fn without_href<T>(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "The {what}{} has no href to follow (it was built locally, not read from the server).",
            crate::short_type_name::<T>()
        ),
    )
}

fn object_href<T: Identity>(object: Option<&T>) -> Result<&str, Error> {
    object.ok_or_else(|| absent::<T>(""))?.href().filter(|h| !h.is_empty()).ok_or_else(|| without_href::<T>(""))
}

fn list_href<T>(list: Option<&List<T>>) -> Result<&str, Error> {
    let list = list.ok_or_else(|| absent::<T>("list of "))?;
    list.href().filter(|h| !h.is_empty()).ok_or_else(|| without_href::<T>("list of "))
}

impl<T: XmlType + Identity> Followable for &T {
    type Output = T;
    fn href(&self) -> Result<&str, Error> {
        object_href(Some(*self))
    }
    fn read(reply: &Response) -> Result<T, Error> {
        reply.read()
    }
}

impl<T: XmlType + Identity> Followable for Option<&T> {
    type Output = T;
    fn href(&self) -> Result<&str, Error> {
        object_href(*self)
    }
    fn read(reply: &Response) -> Result<T, Error> {
        reply.read()
    }
}

impl<T: XmlType + Identity> Followable for &Option<Box<T>> {
    type Output = T;
    fn href(&self) -> Result<&str, Error> {
        object_href(self.as_deref())
    }
    fn read(reply: &Response) -> Result<T, Error> {
        reply.read()
    }
}

impl<T: XmlType> Followable for &List<T> {
    type Output = Vec<T>;
    fn href(&self) -> Result<&str, Error> {
        list_href(Some(*self))
    }
    fn read(reply: &Response) -> Result<Vec<T>, Error> {
        reply.read_list().map(List::into_vec)
    }
}

impl<T: XmlType> Followable for &Option<List<T>> {
    type Output = Vec<T>;
    fn href(&self) -> Result<&str, Error> {
        list_href(self.as_ref())
    }
    fn read(reply: &Response) -> Result<Vec<T>, Error> {
        reply.read_list().map(List::into_vec)
    }
}

impl Connection {
    /// Fetches what a link points at: `conn.follow(vm.cluster())` gives the
    /// `Cluster`, `conn.follow(&vm.nics)` the NICs (as a `Vec`). A link that
    /// is absent, or an object without an `href`, is an error of kind
    /// `InvalidInput` that names the type, before anything is sent. The
    /// `href` is taken when this is called; the future holds nothing of the
    /// link, so it is `Send` whatever the type.
    ///
    /// The future is boxed so that its type does not mention the link (which
    /// usually borrows the object it came from): it can be spawned while the
    /// object is dropped.
    ///
    /// The message of an absent link also says where `follow` was called
    /// (`src/main.rs:42`), which tells the member it was given.
    #[track_caller]
    pub fn follow<F>(&self, link: F) -> Pin<Box<dyn Future<Output = Result<F::Output, Error>> + Send>>
    where
        F: Followable,
        F::Output: 'static,
    {
        let caller = std::panic::Location::caller();
        let href = link.href().map_err(|e| {
            let message = format!("{} (`follow` called at {}:{})", e.message(), caller.file(), caller.line());
            Error::new(e.kind(), message)
        });
        let request = href.and_then(|href| self.link_request(href));
        Box::pin(self.fetch_link(request, F::read))
    }
}
