//! [`List`]: a list of items that also remembers where it can be fetched.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// A list of items plus the URL (`href`) the list can be fetched from.
///
/// When the server returns an object, members that are lists are either
/// sent inline or only as a link to be followed later, as oVirt does with
///
/// ```xml
/// <link rel="nics" href="/ovirt-engine/api/vms/1/nics"/>
/// ```
///
/// A `List` covers both cases: [`items`](List::items) holds whatever was
/// sent inline and [`href`](List::href) keeps the link when there was one.
/// A list that only carries a link (no items) reports
/// [`is_link`](List::is_link).
///
/// For everyday use a `List<T>` behaves like a `Vec<T>`: it dereferences to
/// one, can be iterated, collected into and extended:
///
/// ```
/// use sdkgen_runtime::List;
///
/// let mut nics: List<&str> = ["nic1", "nic2"].into_iter().collect();
/// nics.push("nic3");
/// assert_eq!(nics.len(), 3);
/// assert_eq!(nics.href(), None);
///
/// let link: List<&str> = List::with_href("/ovirt-engine/api/vms/1/nics");
/// assert!(link.is_link());
/// assert_eq!(link.href(), Some("/ovirt-engine/api/vms/1/nics"));
/// ```
///
/// Two lists are equal when both their items and their `href` are equal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct List<T> {
    /// The items that were sent inline (possibly none).
    pub items: Vec<T>,
    /// The URL the list can be fetched from, when the server sent one.
    pub href: Option<String>,
}

impl<T> List<T> {
    /// Creates an empty list without an `href`.
    pub const fn new() -> Self {
        List { items: Vec::new(), href: None }
    }

    /// Creates an empty list that only carries the URL it can be fetched
    /// from, i.e. a list for which [`is_link`](List::is_link) is `true`.
    ///
    /// To attach an `href` to a list that already has items, assign the
    /// public [`href`](List::href) field.
    pub fn with_href(href: impl Into<String>) -> Self {
        List { items: Vec::new(), href: Some(href.into()) }
    }

    /// The URL the list can be fetched from, if the server sent one.
    pub fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }

    /// Whether this list is only a link: it has an `href` but no items.
    pub fn is_link(&self) -> bool {
        self.href.is_some() && self.items.is_empty()
    }

    /// Returns the items, dropping the `href`.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

// Written by hand so that `T: Default` is not required.
impl<T> Default for List<T> {
    fn default() -> Self {
        List::new()
    }
}

/// Prints like a slice (`[1, 2]`) when there is no `href`, and as
/// `List { href: "…", items: [..] }` when there is one.
impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.href {
            None => f.debug_list().entries(&self.items).finish(),
            Some(href) => f.debug_struct("List").field("href", href).field("items", &self.items).finish(),
        }
    }
}

impl<T> Deref for List<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List { items, href: None }
    }
}

impl<T> From<List<T>> for Vec<T> {
    fn from(list: List<T>) -> Self {
        list.items
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        List::from(Vec::from_iter(iter))
    }
}

impl<T> Extend<T> for List<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut List<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::List;

    /// A type without `Default`, `Clone` or `PartialEq`.
    struct Opaque;

    #[test]
    fn default_and_new_do_not_need_bounds_on_t() {
        let a: List<Opaque> = List::default();
        let b: List<Opaque> = List::new();
        assert!(a.is_empty() && b.is_empty());
        assert_eq!(a.href(), None);
        assert!(!a.is_link());
    }

    #[test]
    fn link_only_list() {
        let list: List<u32> = List::with_href("/ovirt-engine/api/vms/1/nics");
        assert!(list.is_link());
        assert_eq!(list.href(), Some("/ovirt-engine/api/vms/1/nics"));
        assert!(list.is_empty());

        let mut filled = list.clone();
        filled.push(7);
        assert!(!filled.is_link());
        assert_eq!(filled.href(), Some("/ovirt-engine/api/vms/1/nics"));
    }

    #[test]
    fn deref_gives_vec_and_slice_methods() {
        let mut list = List::from(vec![3, 1, 2]);
        assert_eq!(list.len(), 3);
        assert_eq!(list.first(), Some(&3));
        list.sort();
        assert_eq!(&list[..], &[1, 2, 3]);
        list.retain(|n| *n != 2);
        assert_eq!(*list, vec![1, 3]);
        let total: i32 = list.iter().sum();
        assert_eq!(total, 4);
    }

    #[test]
    fn clone_keeps_href_and_equality_includes_it() {
        let mut list = List::from(vec!["a".to_owned()]);
        list.href = Some("/api/things".to_owned());
        let copy = list.clone();
        assert_eq!(copy.href(), Some("/api/things"));
        assert_eq!(copy, list);

        let without = List::from(vec!["a".to_owned()]);
        assert_ne!(without, list);
    }

    #[test]
    fn collect_extend_and_conversions() {
        let mut list: List<u8> = (1..=3).collect();
        assert_eq!(list.href(), None);
        list.extend([4, 5]);
        list.extend(vec![6]);
        assert_eq!(list.items, vec![1, 2, 3, 4, 5, 6]);

        let v: Vec<u8> = list.clone().into();
        assert_eq!(v, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(list.into_vec(), v);
    }

    #[test]
    fn extend_keeps_href() {
        let mut list: List<u8> = List::with_href("/x");
        list.extend([1, 2]);
        assert_eq!(list.href(), Some("/x"));
        assert_eq!(list.items, [1, 2]);
    }

    #[test]
    fn into_iterator_by_value_ref_and_mut() {
        let mut list = List::from(vec![1, 2, 3]);
        for n in &mut list {
            *n *= 10;
        }
        let mut seen = Vec::new();
        for n in &list {
            seen.push(*n);
        }
        assert_eq!(seen, [10, 20, 30]);
        let owned: Vec<i32> = list.into_iter().rev().collect();
        assert_eq!(owned, [30, 20, 10]);
    }

    #[test]
    fn debug_output() {
        let plain = List::from(vec![1, 2]);
        assert_eq!(format!("{plain:?}"), "[1, 2]");

        let mut linked = List::from(vec![1]);
        linked.href = Some("/api/vms/1/nics".to_owned());
        assert_eq!(format!("{linked:?}"), r#"List { href: "/api/vms/1/nics", items: [1] }"#);

        let empty: List<u8> = List::new();
        assert_eq!(format!("{empty:?}"), "[]");
    }
}
