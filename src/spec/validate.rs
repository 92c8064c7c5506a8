//! The ranges of an audit's settings, checked by the library itself, so that every front end
//! (the command line, a program building an [`AuditSpec`]) is held to them. An error names the
//! setting as [`AuditSpec`] does (`min_group_size`), or as the command line's flag once it has
//! asked for that ([`crate::error::name_settings_as_flags`]).

use super::AuditSpec;
use crate::error::{AuditError, Result};

/// Most bootstrap replicates an audit may ask for.
pub const MAX_BOOTSTRAP: usize = 100_000;

impl AuditSpec {
    /// Checks that every setting is within its range; the first one that is not is the error
    /// ([`AuditError::Setting`]).
    pub fn validate(&self) -> Result<()> {
        let fail = |setting: &'static str, value: &dyn std::fmt::Display, problem: &str| {
            Err(AuditError::Setting {
                setting,
                value: value.to_string(),
                problem: problem.to_string(),
            })
        };
        let t = self.di_threshold;
        if !(t > 0.0 && t <= 1.0) {
            return fail("di_threshold", &t, "must be in (0, 1]");
        }
        for (setting, v) in [
            ("confidence", self.stats.confidence),
            ("alpha", self.stats.alpha),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return fail(setting, &v, "must be between 0 and 1");
            }
        }
        if self.stats.bootstrap > MAX_BOOTSTRAP {
            return fail(
                "bootstrap",
                &self.stats.bootstrap,
                &format!("at most {MAX_BOOTSTRAP} replicates (1,000 give intervals to about 1%)"),
            );
        }
        let e = &self.exclusion;
        if !(e.min_group_size.is_finite() && e.min_group_size >= 0.0) {
            return fail(
                "min_group_size",
                &e.min_group_size,
                "must be a number of rows, 0 or more",
            );
        }
        if !(0.0..=1.0).contains(&e.min_group_share) {
            return fail(
                "min_group_share",
                &e.min_group_share,
                "must be a share from 0 to 1 (0.02 is 2%)",
            );
        }
        if self.max_groups == 0 {
            return fail("max_groups", &0, "must be at least 1");
        }
        let smd = self.smd_threshold;
        if self.decision.is_value() && !(smd.is_finite() && smd > 0.0) {
            return fail(
                "smd_threshold",
                &smd,
                "must be a number above 0 (0.2 is a small effect)",
            );
        }
        if let Some(x) = &self.explain {
            if x.sample < 100 {
                return fail("explain_sample", &x.sample, "must be at least 100 rows");
            }
            if !(1..=8).contains(&x.tree_depth) {
                return fail(
                    "tree_depth",
                    &x.tree_depth,
                    "must be from 1 to 8 (a tree people can read)",
                );
            }
            for (setting, v) in [
                ("proxy_importance", x.proxy_importance),
                ("proxy_accuracy", x.proxy_accuracy),
            ] {
                if !(v > 0.0 && v < 1.0) {
                    return fail(setting, &v, "must be a number between 0 and 1");
                }
            }
            for (feature, max) in &x.recourse_horizon {
                if !(max.is_finite() && *max > 0.0) {
                    return fail(
                        "recourse_horizon",
                        &format!("{feature}={max}"),
                        "the largest change must be a number above 0",
                    );
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BinaryColumn, Decision, ExplainSpec};

    fn spec() -> AuditSpec {
        AuditSpec::new(
            "log.csv",
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            vec![vec!["g".into()]],
        )
    }

    /// The setting a spec built by a program fails on, with its message.
    fn failure(spec: &AuditSpec) -> (&'static str, String) {
        match spec.validate() {
            Err(e @ AuditError::Setting { setting, .. }) => (setting, e.to_string()),
            other => panic!("expected a setting's error, got {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_valid() {
        assert!(spec().validate().is_ok());
    }

    #[test]
    fn a_setting_out_of_its_range_is_named_as_the_spec_names_it() {
        let mut s = spec();
        s.exclusion.min_group_size = f64::NAN;
        assert_eq!(
            failure(&s),
            (
                "min_group_size",
                "min_group_size NaN: must be a number of rows, 0 or more".to_string()
            )
        );
        let mut s = spec();
        s.di_threshold = 1.5;
        assert_eq!(failure(&s).0, "di_threshold");
        let mut s = spec();
        s.stats.alpha = 0.0;
        assert_eq!(failure(&s).0, "alpha");
        let mut s = spec();
        s.stats.bootstrap = MAX_BOOTSTRAP + 1;
        assert_eq!(failure(&s).0, "bootstrap");
        let mut s = spec();
        s.max_groups = 0;
        assert_eq!(failure(&s).0, "max_groups");
        let mut s = spec();
        s.explain = Some(ExplainSpec {
            tree_depth: 9,
            ..ExplainSpec::default()
        });
        assert_eq!(
            failure(&s),
            (
                "tree_depth",
                "tree_depth 9: must be from 1 to 8 (a tree people can read)".to_string()
            )
        );
    }

    #[test]
    fn the_audit_checks_the_settings_before_reading_anything() {
        let mut s = spec();
        s.exclusion.min_group_share = 2.0;
        // No file is opened: the setting is the error, not the missing log.
        let err = crate::audit::run(&s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "min_group_share 2: must be a share from 0 to 1 (0.02 is 2%)"
        );
    }
}
