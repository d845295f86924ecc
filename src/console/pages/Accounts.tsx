import type { AppPageProps } from '../app/pages.js';

export default function Accounts(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
