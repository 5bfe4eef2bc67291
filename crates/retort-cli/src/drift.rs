//! The drift report of `retort check`: how an actual catalog differs from the expected one.
