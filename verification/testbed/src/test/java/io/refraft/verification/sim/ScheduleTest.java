package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.verification.fault.PartitionShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

  private static Schedule everyShape() {
    List<Schedule.Planned> faults = new ArrayList<>();
    for (PartitionShape s : PartitionShape.values()) {
      faults.add(new Schedule.Partition(faults.size() * 1_000L, 500L, s, List.of(2, 0, 1)));
    }
    return new Schedule(faults);
  }

  @Test
  void schedule_files_name_the_shapes_as_they_always_did() throws Exception {
    Schedule s = everyShape();
    List<String> names = new ArrayList<>();
    for (JsonNode f : new ObjectMapper().readTree(s.toJson())) {
      names.add(f.path("shape").asText());
    }
    assertEquals(List.of("isolate-one", "isolate-leader", "majority-minority", "ring", "bridge"), names);
    assertEquals(s, Schedule.fromJson(s.toJson(), 3));
    assertTrue(s.describe().contains("partition majority-minority [2, 0, 1]"), s.describe());
  }

  @Test
  void a_shape_is_read_in_any_case_with_either_separator_but_only_by_its_schedule_name() {
    String spelled = "[{\"at_ns\":1,\"duration_ns\":2,\"fault\":\"partition\",\"shape\":\"MAJORITY_minority\","
        + "\"order\":[0,1,2]}]";
    assertEquals(PartitionShape.HALVES, ((Schedule.Partition) Schedule.fromJson(spelled, 3).faults().getFirst()).shape());
    String halves = "[{\"at_ns\":1,\"duration_ns\":2,\"fault\":\"partition\",\"shape\":\"halves\",\"order\":[0,1,2]}]";
    String message = assertThrows(IllegalArgumentException.class, () -> Schedule.fromJson(halves, 3)).getMessage();
    assertTrue(message.startsWith("schedule entry 0: unknown shape 'halves'"), message);
  }
}
