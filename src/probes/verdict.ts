/** The probe verdict vocabulary lives in the verdict core; probes import it from here. */
export * from '../verdict/probe.js';
