//! Typed reading of element values, used by generated readers.

use super::XmlType;
use super::error::{XmlError, XmlErrorKind};
use super::limits::Limit;
use super::reader::XmlReader;
use crate::{DateTime, Decimal, List, snippet};

/// Parses a boolean as the API writes it: `true`/`false` in any case, or `1`/`0`.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

impl XmlReader<'_> {
    /// Reads the text of the element just entered, converts it, and leaves
    /// the element; a conversion error names the element.
    fn read_converted<V>(&mut self, convert: impl FnOnce(&str) -> Result<V, String>) -> Result<Option<V>, XmlError> {
        let text = self.text_in_place()?;
        let value = match text {
            None => Ok(None),
            Some(t) => convert(&t).map(Some).map_err(|m| self.error(XmlErrorKind::InvalidValue, m)),
        };
        self.leave();
        value
    }

    /// An attribute of the element just entered, converted; an attribute
    /// that does not convert is an error naming it.
    fn attr_converted<V>(
        &self,
        name: &str,
        convert: impl FnOnce(&str) -> Option<V>,
        what: &str,
    ) -> Result<Option<V>, XmlError> {
        match self.attr(name)? {
            None => Ok(None),
            Some(t) => match convert(&t) {
                Some(v) => Ok(Some(v)),
                None => Err(self
                    .error(XmlErrorKind::InvalidValue, format!("attribute `{name}`: `{}` is not {what}", snippet(&t)))),
            },
        }
    }

    /// An integer attribute of the element just entered.
    pub fn attr_i64(&self, name: &str) -> Result<Option<i64>, XmlError> {
        self.attr_converted(name, |t| t.trim().parse().ok(), "a 64-bit integer")
    }

    /// A boolean attribute of the element just entered.
    pub fn attr_bool(&self, name: &str) -> Result<Option<bool>, XmlError> {
        self.attr_converted(name, parse_bool, "a boolean")
    }

    /// A decimal attribute of the element just entered.
    pub fn attr_decimal(&self, name: &str) -> Result<Option<Decimal>, XmlError> {
        self.attr_converted(name, |t| parse_decimal(t).ok(), "a decimal number")
    }

    /// A date attribute of the element just entered.
    pub fn attr_date(&self, name: &str) -> Result<Option<DateTime>, XmlError> {
        self.attr_converted(name, |t| DateTime::parse(t.trim()).ok(), "a date and time")
    }

    /// An enum attribute of the element just entered.
    pub fn attr_enum<E>(&self, name: &str, from_wire: fn(&str) -> E) -> Result<Option<E>, XmlError> {
        Ok(self.attr(name)?.map(|t| from_wire(t.trim())))
    }

    /// Reads the element just entered as text (see [`read_text`](Self::read_text)).
    pub fn read_string(&mut self) -> Result<Option<String>, XmlError> {
        self.read_text()
    }

    /// Reads the element just entered as a boolean.
    pub fn read_bool(&mut self) -> Result<Option<bool>, XmlError> {
        self.read_converted(|t| parse_bool(t).ok_or_else(|| format!("`{}` is not a boolean", snippet(t))))
    }

    /// Reads the element just entered as a 64-bit integer.
    pub fn read_i64(&mut self) -> Result<Option<i64>, XmlError> {
        self.read_converted(|t| {
            t.trim().parse::<i64>().map_err(|_| format!("`{}` is not a 64-bit integer", snippet(t)))
        })
    }

    /// Reads the element just entered as an exact decimal number.
    pub fn read_decimal(&mut self) -> Result<Option<Decimal>, XmlError> {
        self.read_converted(|t| parse_decimal(t).map_err(|e| format!("`{}` is not a decimal number: {e}", snippet(t))))
    }

    /// Reads the element just entered as a date and time.
    pub fn read_date(&mut self) -> Result<Option<DateTime>, XmlError> {
        self.read_converted(|t| {
            DateTime::parse(t.trim()).map_err(|e| format!("`{}` is not a date and time: {e}", snippet(t)))
        })
    }

    /// Reads the element just entered as an enum value; `from_wire` keeps
    /// values the model does not know.
    pub fn read_enum<E>(&mut self, from_wire: fn(&str) -> E) -> Result<Option<E>, XmlError> {
        let value = self.text_in_place()?.map(|t| from_wire(t.trim()));
        self.leave();
        Ok(value)
    }

    /// Reads the element just entered as a struct of type `T`.
    pub fn read_struct<T: XmlType>(&mut self) -> Result<Box<T>, XmlError> {
        let mut value = Box::<T>::default();
        value.read_into(self)?;
        Ok(value)
    }

    /// Reads the list element just entered (`<nics><nic>…</nic></nics>`)
    /// into `list`: items are added to the list that a `<link>` may already
    /// have created, and its `href` attribute is kept. Children of another
    /// name (such as `<actions>`) are skipped. At most
    /// [`XmlLimits::list_items`](super::XmlLimits::list_items) items are read.
    pub fn read_struct_list<T: XmlType>(&mut self, list: &mut Option<List<T>>) -> Result<(), XmlError> {
        self.read_struct_items(list, self.limits().list_items)
    }

    /// Reads the list element just entered, with at most `max_items` items.
    pub(crate) fn read_struct_items<T: XmlType>(
        &mut self,
        list: &mut Option<List<T>>,
        max_items: usize,
    ) -> Result<(), XmlError> {
        let list = self.list_with_href(list)?;
        while let Some(tag) = self.next_child()? {
            if tag.as_bytes() == T::TAG.as_bytes() {
                self.check_items(list.len(), max_items)?;
                let mut item = T::default();
                item.read_into(self)?;
                push_compact(&mut list.items, item);
            } else {
                self.skip()?;
            }
        }
        Ok(())
    }

    /// Reads a list element of primitive or enum items named `item`
    /// (`<usages><usage>vm</usage></usages>`), converting each item's text.
    pub fn read_value_list<V>(
        &mut self,
        item: &str,
        list: &mut Option<List<V>>,
        convert: fn(&mut Self) -> Result<Option<V>, XmlError>,
    ) -> Result<(), XmlError> {
        let max_items = self.limits().list_items;
        let list = self.list_with_href(list)?;
        while let Some(tag) = self.next_child()? {
            if tag.as_bytes() == item.as_bytes() {
                self.check_items(list.len(), max_items)?;
                // An empty item (`<usage/>`) carries no value: skip it rather
                // than invent one.
                if let Some(v) = convert(self)? {
                    push_compact(&mut list.items, v);
                }
            } else {
                self.skip()?;
            }
        }
        Ok(())
    }

    /// The list `list` holds or a new one, with the `href` of the list
    /// element just entered (when it has one).
    fn list_with_href<'l, V>(&self, list: &'l mut Option<List<V>>) -> Result<&'l mut List<V>, XmlError> {
        let href = self.attr("href")?;
        let list = list.get_or_insert_with(List::new);
        if href.is_some() {
            list.href = href;
        }
        Ok(list)
    }

    /// Fails when a list that holds `len` items may not take one more.
    fn check_items(&self, len: usize, max_items: usize) -> Result<(), XmlError> {
        if len >= max_items {
            return Err(self.limit_error(Limit::ListItems, "a list"));
        }
        Ok(())
    }

    /// Reads a `<link rel="…" href="…"/>` element just entered and leaves it.
    /// Returns `(rel, href)` when both are present.
    /// `rel` is returned as a [`Tag`](super::Tag): it is only compared.
    pub fn read_link(&mut self) -> Result<Option<(super::Tag, String)>, XmlError> {
        let rel = self.attr_in_place("rel")?.map(|r| super::Tag::from_str(&r));
        let href = self.attr("href")?;
        self.skip()?;
        Ok(rel.zip(href))
    }
}

/// Pushes `item`, growing the capacity from one rather than four: most
/// lists in a document hold one or two items, some of them large.
fn push_compact<T>(items: &mut Vec<T>, item: T) {
    if items.len() == items.capacity() {
        items.reserve_exact(items.len().max(1));
    }
    items.push(item);
}

/// Parses a decimal as the API and its clients write it: the XML Schema
/// forms, plus the spellings other languages print for the special values
/// (`inf`, `-Infinity`, `nan`), which are kept as `INF`, `-INF` and `NaN`.
pub fn parse_decimal(text: &str) -> Result<Decimal, crate::ParseDecimalError> {
    let t = text.trim();
    Decimal::parse(t).or_else(|e| {
        let special = match t.to_ascii_lowercase().as_str() {
            "inf" | "+inf" | "infinity" | "+infinity" => "INF",
            "-inf" | "-infinity" => "-INF",
            "nan" => "NaN",
            _ => return Err(e),
        };
        Decimal::parse(special)
    })
}

/// Sets the `href` of a list member from a `<link>`, creating the (empty)
/// list when the element has not been read (yet).
pub fn link_list<T>(list: &mut Option<List<T>>, href: String) {
    list.get_or_insert_with(List::new).href = Some(href);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_accept_other_languages_special_values() {
        assert_eq!(parse_decimal(" 1.50 ").unwrap().as_str(), "1.50");
        assert_eq!(parse_decimal("inf").unwrap().as_str(), "INF");
        assert_eq!(parse_decimal("-Infinity").unwrap().as_str(), "-INF");
        assert_eq!(parse_decimal("nan").unwrap().as_str(), "NaN");
        assert!(parse_decimal("infinite").is_err());
        assert!(parse_decimal("").is_err());
    }

    #[test]
    fn booleans_follow_the_api() {
        for t in ["true", "TRUE", "True", "1", " true "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["false", "FALSE", "0"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        for t in ["ugly", "", "yes", "2"] {
            assert_eq!(parse_bool(t), None, "{t}");
        }
    }

    /// The `rel` of a link is compared without being copied, after its
    /// references are resolved; a link without `rel` or `href` gives nothing.
    #[test]
    fn links_give_their_rel_and_href() {
        let doc = br#"<vm><link rel="nics" href="/vms/1/nics"/><link rel="n&#105;cs" href="/a&amp;b"/><link href="/x"/><link rel="r"/></vm>"#;
        let mut r = XmlReader::from_slice(doc);
        r.root().unwrap();
        let mut links = Vec::new();
        while r.next_child().unwrap().is_some() {
            links.push(r.read_link().unwrap().map(|(rel, href)| (rel.as_str().into_owned(), href)));
        }
        let pair = |rel: &str, href: &str| Some((rel.to_owned(), href.to_owned()));
        assert_eq!(links, [pair("nics", "/vms/1/nics"), pair("nics", "/a&b"), None, None]);
    }
}
