import type { AppPageProps } from '../app/pages.js';

export default function AuditLog(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
