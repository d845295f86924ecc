import type { AppPageProps } from '../app/pages.js';

export default function Reconcile(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
