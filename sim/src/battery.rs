//! A battery that drains with time and with motion.

/// Battery parameters and state.
#[derive(Debug, Clone, PartialEq)]
pub struct Battery {
    /// Full capacity, Ah.
    pub capacity_ah: f64,
    /// Charge left, Ah.
    pub charge_ah: f64,
    /// Nominal voltage when full, V.
    pub nominal_voltage: f64,
    /// Current drawn at rest, A.
    pub idle_current: f64,
    /// Extra current at full speed, A.
    pub motion_current: f64,
    /// Current drawn in the last step, A (positive = discharge).
    pub current: f64,
}

impl Default for Battery {
    fn default() -> Self {
        Self {
            capacity_ah: 5.0,
            charge_ah: 5.0,
            nominal_voltage: 24.0,
            idle_current: 0.8,
            motion_current: 3.0,
            current: 0.0,
        }
    }
}

impl Battery {
    /// Drains for `dt` seconds at `effort` (0 = at rest, 1 = full speed).
    pub fn drain(&mut self, effort: f64, dt: f64) {
        self.current = self.idle_current + self.motion_current * effort.clamp(0.0, 1.0);
        self.charge_ah = (self.charge_ah - self.current * dt / 3600.0).max(0.0);
    }

    /// Charge left as a fraction of capacity.
    pub fn fraction(&self) -> f64 {
        (self.charge_ah / self.capacity_ah).clamp(0.0, 1.0)
    }

    /// Terminal voltage: sags linearly to 80% of nominal when empty.
    pub fn voltage(&self) -> f64 {
        self.nominal_voltage * (0.8 + 0.2 * self.fraction())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_at_rest_drains_the_idle_current() {
        let mut b = Battery::default();
        for _ in 0..3600 {
            b.drain(0.0, 1.0);
        }
        assert!((b.charge_ah - 4.2).abs() < 1e-9);
        assert!((b.fraction() - 0.84).abs() < 1e-9);
    }
}
