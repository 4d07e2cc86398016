/** MONITORING_CONFIG is the injection token of the MonitoringConfig. */
export const MONITORING_CONFIG = Symbol('MonitoringConfig');
