//! Tier models: how a quantity becomes an amount (graduated, volume, stairstep, package,
//! percentage), with a breakdown a person can redo by hand.
