//! Checking an error report, as a case table.
use super::*;

#[test]
fn reports_are_checked() {
    let long = "字".repeat(COMMENT_MAX + 1);
    // (origin, reason, comment, accepted, fields refused)
    let cases: &[(&str, &str, &str, bool, &[&str])] = &[
        ("practice", "answer", "", true, &[]),
        ("contest", "stem", "  题干有错别字  ", true, &[]),
        ("daily", "other", "选项重复", true, &[]),
        ("bogus", "outdated", "", true, &[]),
        ("practice", "", "", false, &["reason"]),
        ("practice", "nonsense", "x", false, &["reason"]),
        ("practice", "other", "", false, &["comment"]),
        ("practice", "answer", &long, false, &["comment"]),
        ("practice", "", &long, false, &["reason", "comment"]),
    ];
    for (origin, reason, comment, ok, fields) in cases {
        match validate_feedback(origin, reason, comment) {
            Ok(v) => {
                assert!(ok, "{reason:?}/{comment:?} should be refused");
                assert_eq!(v.comment, comment.trim());
                assert_eq!(v.origin, Origin::parse(origin).unwrap_or(Origin::Practice));
            }
            Err(e) => {
                assert!(!ok, "{reason:?}/{comment:?} should be accepted: {e:?}");
                let got: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(&got, fields, "{reason:?}/{comment:?}");
            }
        }
    }
}

#[test]
fn codes_round_trip() {
    for r in Reason::ALL {
        assert_eq!(Reason::parse(r.as_str()), Some(r));
    }
    for o in Origin::ALL {
        assert_eq!(Origin::parse(o.as_str()), Some(o));
    }
    for s in [Status::Open, Status::Fixed, Status::Rejected] {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
}
