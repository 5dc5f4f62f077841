//! Reading an enveloped reply in one pass: the state, the task id and the
//! result straight into its type, without first finding where the result
//! lies. This is the path of almost every successful reply; anything it
//! does not expect (a task still running, a failed one, a result of the
//! wrong shape) is left to the general path, which explains what it finds.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::protocol::Envelope;

/// What one pass found in an envelope.
pub(crate) struct Unwrapped<T> {
    pub(crate) status: Option<String>,
    pub(crate) task_id: Option<String>,
    /// `None` when the body has no result member.
    pub(crate) result: Option<T>,
}

/// The envelope of `body` read in one pass, or `None` when the body is not
/// an object of the expected shape (the caller then takes the general path).
pub(crate) fn unwrap<T: DeserializeOwned>(names: &Envelope, body: &[u8]) -> Option<Unwrapped<T>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = serde::Deserializer::deserialize_map(&mut deserializer, Members { names, item: PhantomData }).ok()?;
    deserializer.end().ok()?;
    Some(found)
}

/// The visitor of the envelope object.
struct Members<'a, T> {
    names: &'a Envelope,
    item: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Members<'_, T> {
    type Value = Unwrapped<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enveloped reply")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unwrapped<T>, A::Error> {
        let mut found = Unwrapped { status: None, task_id: None, result: None };
        while let Some(member) = map.next_key_seed(MemberName(self.names))? {
            match member {
                Member::Result => found.result = Some(map.next_value()?),
                Member::Status => found.status = map.next_value()?,
                Member::TaskId => found.task_id = map.next_value()?,
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Which envelope member a key names.
enum Member {
    Result,
    Status,
    TaskId,
    Other,
}

/// Reads a key and says which member it names, without keeping it.
struct MemberName<'a>(&'a Envelope);

impl<'de> DeserializeSeed<'de> for MemberName<'_> {
    type Value = Member;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Member, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberName<'_> {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Member, E> {
        Ok(match name {
            _ if name == self.0.result => Member::Result,
            _ if name == self.0.status => Member::Status,
            _ if name == self.0.task_id => Member::TaskId,
            _ => Member::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Envelope = Envelope { result: "result", status: "status", task_id: "task_id" };

    #[test]
    fn the_members_are_found_in_any_order_and_others_skipped() {
        let body = br#"{"task_id":"t-1","extra":{"a":[1,2]},"result":[1,2,3],"status":"SUCCESS"}"#;
        let found = unwrap::<Vec<i64>>(&NAMES, body).expect("an envelope");
        assert_eq!(found.result, Some(vec![1, 2, 3]));
        assert_eq!(found.status.as_deref(), Some("SUCCESS"));
        assert_eq!(found.task_id.as_deref(), Some("t-1"));
    }

    #[test]
    fn anything_unexpected_is_left_to_the_general_path() {
        assert!(unwrap::<Vec<i64>>(&NAMES, br#"{"result":{"not":"a list"}}"#).is_none());
        assert!(unwrap::<Vec<i64>>(&NAMES, br#"[1,2]"#).is_none());
        assert!(unwrap::<Vec<i64>>(&NAMES, br#"{"result":[1]} trailing"#).is_none());
        assert!(unwrap::<Vec<i64>>(&NAMES, br#"{"result":[1],"task_id":7}"#).is_none());
        let without = unwrap::<Vec<i64>>(&NAMES, br#"{"token":"x"}"#).expect("an object");
        assert!(without.result.is_none());
    }
}
