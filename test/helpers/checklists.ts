/** Pieces of checklists the tests write. */

/** The Sign-off section with its four roles, as the shipped checklist has them (no status line). */
export const SIGNOFF_FOUR_ROLES = `## Sign-off

| Role | Name | Signature | Date |
|------|------|-----------|------|
| Tech Lead | | | |
| DevOps Engineer | | | |
| Security Officer | | | |
| Product Owner | | | |`;
