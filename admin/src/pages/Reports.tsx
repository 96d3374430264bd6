export default function Reports() {
  return <div>Reports</div>;
}
