//! [`JsonPages`]: the pages of a paged operation, one request per page, for
//! APIs whose page is an object holding the items and a link to the next
//! page (what the model's `paging:` says: `items:` and `next:`).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::call::JsonCall;
use super::error::{json_path, without_position};
use crate::connection::{Error, ErrorKind};

/// How an API pages: the parameter that says which page, how the number is
/// written into it, the first page, and the page object's members.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// The request parameter of the page (`page`).
    pub param: &'static str,
    /// How the number is written into it; `{page}` is replaced.
    pub format: &'static str,
    /// The number of the first page.
    pub first: i64,
    /// The member of a page that holds its items (`results`).
    pub items: &'static str,
    /// The member that is unset or `null` on the last page (`next`).
    pub next: &'static str,
}

/// The pages of a call, fetched one by one with [`next_page`](Self::next_page):
/// page after page until one says no other follows or holds no item.
/// Each page is one request, sent when it is asked for; dropping the value
/// stops. Made by a generated `pages()`.
#[must_use = "pages are fetched by next_page()"]
#[derive(Debug)]
pub struct JsonPages<T> {
    call: JsonCall,
    paging: Paging,
    page: i64,
    done: bool,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> JsonPages<T> {
    /// The pages of `call` (whose own page parameter, if set, is replaced).
    pub fn new(call: JsonCall, paging: Paging) -> JsonPages<T> {
        JsonPages { call, paging, page: paging.first, done: false, item: PhantomData }
    }

    /// The items of the next page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        if self.done {
            return Ok(None);
        }
        let mut call = self.call.clone();
        let number = self.paging.format.replace("{page}", &self.page.to_string());
        call.set_param(self.paging.param, Some(Value::String(number)));
        let operation = call.operation();
        let mut page: Map<String, Value> = call.send().await?;
        let items = page.remove(self.paging.items).unwrap_or(Value::Array(Vec::new()));
        let items: Vec<T> = serde_path_to_error::deserialize(items).map_err(|e| {
            let path = json_path(Some(self.paging.items), &e.path().to_string());
            let reason = without_position(e.inner());
            Error::new(
                ErrorKind::Json,
                format!("Page {} of {operation} does not match the API: at `{path}`: {reason}.", self.page),
            )
        })?;
        self.done = items.is_empty() || page.get(self.paging.next).is_none_or(Value::is_null);
        self.page += 1;
        Ok((!items.is_empty()).then_some(items))
    }
}
